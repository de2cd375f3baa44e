/* Fuzz target: every generated Personalize deserializer (the first byte picks the shape),
 * then the serializer on whatever decoded. */
#include <stddef.h>
#include <stdint.h>

#include "personalize.h"
#include "shape_table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    size_t n = sizeof shape_table / sizeof shape_table[0];
    (void)shape_table[data[0] % n]((const char *)data + 1, size - 1);
    return 0;
}
