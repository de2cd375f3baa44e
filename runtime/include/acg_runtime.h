/* Everything generated code needs from the runtime, and the ABI version it was built for. */
#ifndef ACG_RUNTIME_H
#define ACG_RUNTIME_H

#define ACG_RUNTIME_ABI 2
#define ACG_VERSION "0.1.0"

#include "common/acg_arena.h"
#include "common/acg_buf.h"
#include "client/acg_client.h"
#include "endpoints/acg_endpoint.h"
#include "common/acg_error.h"
#include "json/acg_json.h"
#include "common/acg_log.h"
#include "client/acg_operation.h"
#include "client/acg_validate.h"

#endif
