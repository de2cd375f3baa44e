/* Everything generated code needs from the runtime, and the ABI version it was built for. */
#ifndef ACG_RUNTIME_H
#define ACG_RUNTIME_H

#define ACG_RUNTIME_ABI 2
#define ACG_VERSION "0.1.0"

#include "acg_arena.h"
#include "acg_buf.h"
#include "acg_client.h"
#include "acg_endpoint.h"
#include "acg_error.h"
#include "acg_json.h"
#include "acg_log.h"
#include "acg_operation.h"
#include "acg_validate.h"

#endif
