/* The credential provider from C: environment set with setenv, real files in a temporary
 * folder, a credential_process script that counts its runs. Covers what a process-level
 * driver cannot: many threads sharing one provider, and the provider's own error values. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "auth/acg_config.h"
#include "auth/acg_credentials.h"
#include "harness.h"

static char dir[] = "/tmp/acg-creds-XXXXXX";
static char config_path[256], creds_path[256], script_path[256], count_path[256], go_path[256];

/* 2023-11-14T22:13:20Z; the process credentials below expire ten minutes later. */
#define NOW_MS 1700000000000LL

static const char *const chain_vars[] = {
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_EC2_METADATA_SERVICE_ENDPOINT",
};

static int write_file(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return -1;
    int ok = fputs(text, f) >= 0;
    if (fclose(f) != 0 || !ok)
        return -1;
    return chmod(path, mode);
}

static long count_runs(void)
{
    FILE *f = fopen(count_path, "r");
    long n = 0;
    int c;
    if (f == NULL)
        return 0;
    while ((c = fgetc(f)) != EOF)
        n += c == 'x';
    fclose(f);
    return n;
}

/* A clean slate: no chain variable set, IMDS off, both files empty. */
static void reset(void)
{
    for (size_t i = 0; i < sizeof chain_vars / sizeof chain_vars[0]; i++)
        unsetenv(chain_vars[i]);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    setenv("AWS_CONFIG_FILE", config_path, 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", creds_path, 1);
    (void)write_file(config_path, "", 0600);
    (void)write_file(creds_path, "", 0600);
    unlink(count_path);
    unlink(go_path);
}

/* Configures [default] with a credential_process that sleeps a little (so concurrent callers
 * overlap) and logs each run. The first run's credentials expire at NOW_MS + 10 min; later
 * runs wait for the file go_path to exist, then hand out credentials that expire an hour
 * after NOW_MS. */
static int setup_process(void)
{
    char text[2048], cfg[512];
    snprintf(text, sizeof text,
             "#!/bin/sh\necho x >> %s\nsleep 0.2\nexp=2023-11-14T22:23:20Z\n"
             "if [ $(wc -l < %s) -gt 1 ]; then exp=2023-11-14T23:13:20Z\n"
             "while [ ! -e %s ]; do sleep 0.02; done; fi\n"
             "echo '{\"Version\": 1, \"AccessKeyId\": \"AKIDTHREAD\", \"SecretAccessKey\": \"thread-secret\", "
             "\"SessionToken\": \"thread-token\", \"Expiration\": \"'$exp'\"}'\n",
             count_path, count_path, go_path);
    snprintf(cfg, sizeof cfg, "[default]\ncredential_process = %s\n", script_path);
    return write_file(script_path, text, 0700) == 0 && write_file(config_path, cfg, 0600) == 0 ? 0 : -1;
}

struct worker {
    struct acg_credentials_provider *provider;
    int64_t now_ms;
    int rc;
    struct acg_credentials creds;
};

static void *get_in_thread(void *arg)
{
    struct worker *w = arg;
    struct acg_error err;
    acg_error_init(&err);
    w->rc = acg_credentials_get(w->provider, w->now_ms, &w->creds, &err);
    return NULL;
}

static int test_threads_share_one_fetch(void)
{
    struct acg_profile *profile = NULL;
    struct acg_error err;
    struct worker workers[8];
    pthread_t threads[8];
    reset();
    CHECK(setup_process() == 0);
    acg_error_init(&err);
    CHECK(acg_profile_load(NULL, &profile, &err) == ACG_OK);
    struct acg_credentials_provider *p = acg_credentials_provider_new(profile, NULL, NULL, NULL, &err);
    CHECK(p != NULL);
    for (int i = 0; i < 8; i++) {
        workers[i] = (struct worker){ .provider = p, .now_ms = NOW_MS, .rc = -100 };
        CHECK(pthread_create(&threads[i], NULL, get_in_thread, &workers[i]) == 0);
    }
    for (int i = 0; i < 8; i++)
        CHECK(pthread_join(threads[i], NULL) == 0);
    for (int i = 0; i < 8; i++) {
        CHECK(workers[i].rc == ACG_OK);
        CHECK_STR(workers[i].creds.access_key_id, "AKIDTHREAD");
        CHECK_STR(workers[i].creds.secret_access_key, "thread-secret");
        CHECK_STR(workers[i].creds.session_token, "thread-token");
        CHECK_STR(workers[i].creds.source, "process");
        CHECK(workers[i].creds.expiration_ms == NOW_MS + 600000);
    }
    CHECK(count_runs() == 1);   /* nothing usable: seven waited for the first one's fetch */

    /* Four minutes on (six left): still cached. Seven minutes on (three left, inside the
     * five-minute margin): one thread refreshes; while its fetch runs (held until go_path
     * exists) the others get the cached credentials at once, and nobody fetches again. */
    for (int i = 0; i < 8; i++) {
        workers[i].now_ms = NOW_MS + 240000;
        CHECK(pthread_create(&threads[i], NULL, get_in_thread, &workers[i]) == 0);
    }
    for (int i = 0; i < 8; i++)
        CHECK(pthread_join(threads[i], NULL) == 0);
    CHECK(count_runs() == 1);
    workers[0].now_ms = NOW_MS + 420000;
    CHECK(pthread_create(&threads[0], NULL, get_in_thread, &workers[0]) == 0);
    while (count_runs() < 2)
        nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
    for (int i = 1; i < 8; i++) {
        workers[i].now_ms = NOW_MS + 420000;
        CHECK(pthread_create(&threads[i], NULL, get_in_thread, &workers[i]) == 0);
    }
    for (int i = 1; i < 8; i++)
        CHECK(pthread_join(threads[i], NULL) == 0);
    for (int i = 1; i < 8; i++) {
        CHECK(workers[i].rc == ACG_OK);
        CHECK(workers[i].creds.expiration_ms == NOW_MS + 600000);
    }
    CHECK(write_file(go_path, "", 0600) == 0);
    CHECK(pthread_join(threads[0], NULL) == 0);
    CHECK(workers[0].rc == ACG_OK);
    CHECK(workers[0].creds.expiration_ms == NOW_MS + 3600000);
    /* Whoever asks next gets the new ones from the cache. */
    workers[1].now_ms = NOW_MS + 420000;
    get_in_thread(&workers[1]);
    CHECK(workers[1].creds.expiration_ms == NOW_MS + 3600000);
    CHECK(count_runs() == 2);
    acg_credentials_provider_destroy(p);
    acg_profile_free(profile);
    return 0;
}

static int test_no_credentials_message(void)
{
    struct acg_profile *profile = NULL;
    struct acg_error err;
    struct acg_credentials c;
    reset();
    acg_error_init(&err);
    CHECK(acg_profile_load(NULL, &profile, &err) == ACG_OK);
    struct acg_credentials_provider *p = acg_credentials_provider_new(profile, NULL, NULL, NULL, &err);
    CHECK(p != NULL);
    CHECK(acg_credentials_get(p, NOW_MS, &c, &err) == ACG_ERR_CONFIG);
    CHECK(err.status == ACG_ERR_CONFIG);
    CHECK_STR(err.message, "Unable to locate credentials. You can configure credentials by running "
                           "\"aws configure\".");
    acg_credentials_provider_destroy(p);
    acg_profile_free(profile);
    return 0;
}

static int test_explicit_needs_both_keys(void)
{
    struct acg_error err;
    struct acg_credentials c;
    reset();
    setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "env-secret", 1);
    setenv("AWS_SESSION_TOKEN", "env-token", 1);
    acg_error_init(&err);
    /* only an access key given: the chain goes on to the environment */
    struct acg_credentials_provider *p = acg_credentials_provider_new(NULL, "AKIDX", NULL, NULL, &err);
    CHECK(p != NULL);
    CHECK(acg_credentials_get(p, NOW_MS, &c, &err) == ACG_OK);
    CHECK_STR(c.access_key_id, "AKIDENV");
    CHECK_STR(c.session_token, "env-token");
    CHECK_STR(c.source, "env");
    CHECK(c.expiration_ms == 0);
    acg_credentials_provider_destroy(p);
    p = acg_credentials_provider_new(NULL, "AKIDX", "x-secret", "x-token", &err);
    CHECK(p != NULL);
    CHECK(acg_credentials_get(p, NOW_MS, &c, &err) == ACG_OK);
    CHECK_STR(c.access_key_id, "AKIDX");
    CHECK_STR(c.secret_access_key, "x-secret");
    CHECK_STR(c.session_token, "x-token");
    CHECK_STR(c.source, "explicit");
    acg_credentials_provider_destroy(p);
    acg_credentials_provider_destroy(NULL);   /* NULL-safe, like free */
    acg_profile_free(NULL);
    return 0;
}

static int test_profile_errors_and_lookup(void)
{
    struct acg_profile *profile = NULL;
    struct acg_error err;
    reset();
    CHECK(write_file(config_path,
                     "[profile dev]\nregion = eu-west-1\ns3 =\n  addressing_style = path\n"
                     "aws_access_key_id = AKIDCFG\naws_secret_access_key = cfg-secret\n",
                     0600) == 0);
    CHECK(write_file(creds_path, "[dev]\naws_secret_access_key = cred-secret\n", 0600) == 0);
    setenv("AWS_PROFILE", "missing", 1);
    acg_error_init(&err);
    CHECK(acg_profile_load(NULL, &profile, &err) == ACG_ERR_CONFIG);
    CHECK(profile == NULL);
    CHECK_STR(err.message, "The config profile (missing) could not be found");
    acg_error_init(&err);
    CHECK(acg_profile_load("dev", &profile, &err) == ACG_OK);
    CHECK_STR(acg_profile_name(profile), "dev");
    CHECK_STR(acg_profile_get(profile, "region"), "eu-west-1");
    CHECK_STR(acg_profile_get_sub(profile, "s3", "addressing_style"), "path");
    CHECK(acg_profile_get_sub(profile, "s3", "region") == NULL);
    /* the credentials file wins key by key, and says so */
    CHECK_STR(acg_profile_get(profile, "aws_secret_access_key"), "cred-secret");
    CHECK(acg_profile_from_credentials_file(profile, "aws_secret_access_key"));
    CHECK(!acg_profile_from_credentials_file(profile, "aws_access_key_id"));
    /* keys split across the two files: partial, and no secret in the message */
    struct acg_credentials_provider *p = acg_credentials_provider_new(profile, NULL, NULL, NULL, &err);
    CHECK(p == NULL);
    CHECK(err.status == ACG_ERR_CONFIG);
    CHECK(strstr(err.message, "Partial credentials") != NULL);
    CHECK(strstr(err.message, "secret") == NULL || strstr(err.message, "cred-secret") == NULL);
    acg_profile_free(profile);
    return 0;
}

static const struct test_case tests[] = {
    TEST(test_threads_share_one_fetch),
    TEST(test_no_credentials_message),
    TEST(test_explicit_needs_both_keys),
    TEST(test_profile_errors_and_lookup),
};

int main(void)
{
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(config_path, sizeof config_path, "%s/config", dir);
    snprintf(creds_path, sizeof creds_path, "%s/credentials", dir);
    snprintf(script_path, sizeof script_path, "%s/proc.sh", dir);
    snprintf(count_path, sizeof count_path, "%s/count", dir);
    snprintf(go_path, sizeof go_path, "%s/go", dir);
    int rc = RUN_TESTS("runtime/credentials", tests);
    unlink(config_path);
    unlink(creds_path);
    unlink(script_path);
    unlink(count_path);
    unlink(go_path);
    rmdir(dir);
    return rc;
}
