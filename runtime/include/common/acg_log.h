/* Logging through a caller-supplied callback. The runtime never prints by itself. */
#ifndef ACG_LOG_H
#define ACG_LOG_H

#ifdef __cplusplus
extern "C" {
#endif

enum acg_log_level { ACG_LOG_OFF = 0, ACG_LOG_ERROR, ACG_LOG_WARN, ACG_LOG_INFO, ACG_LOG_DEBUG };

/* msg is one line without a trailing newline; it never holds a secret key, session token,
 * signature or sensitive member value. */
typedef void (*acg_log_fn)(void *ctx, enum acg_log_level level, const char *msg);

#ifdef __cplusplus
}
#endif

#endif
