/* Everything generated code needs from the runtime, and the ABI version it was built for.
 *
 * The ABI rule: ACG_RUNTIME_ABI changes whenever generated code built against an older
 * runtime could misbehave with this one: a change to the layout or meaning of the
 * descriptor tables (shape/acg_shape.h, shape/acg_service.h), of the value structs they
 * describe (struct acg_timestamp, struct acg_blob, struct acg_seq), of a struct generated
 * code allocates (struct acg_call_options: 4 added its payload), or of a function generated
 * code calls. Generated headers refuse to compile against another ABI. */
#ifndef ACG_RUNTIME_H
#define ACG_RUNTIME_H

#define ACG_RUNTIME_ABI 5
#define ACG_VERSION "0.2.0"

#include "client/acg_async.h"
#include "client/acg_client.h"
#include "client/acg_pager.h"
#include "client/acg_waiter.h"
#include "common/acg_arena.h"
#include "common/acg_error.h"
#include "endpoints/acg_endpoint.h"
#include "shape/acg_service.h"
#include "shape/acg_shape.h"

#endif
