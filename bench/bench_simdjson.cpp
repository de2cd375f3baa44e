// Row 13 (issue 16): the decode ceiling. simdjson's On-Demand API (libsimdjson-dev) reads
// the same fixtures into the same generated Personalize structs the runtime fills, its
// strings copied into the response's arena in packed chunks as the runtime's decoder does,
// lists collected then moved into the arena, timestamps read through a double (as the cJSON
// contender of row 1 does). The runtime's decode and simdjson's take turns per fixture.
//
//   bench_simdjson DIR SECONDS   prints "ceiling.gen.FX MB/s" and "ceiling.simdjson.FX MB/s"
//
// Before measuring, both decodes of each fixture are serialized with the runtime's writer
// and must match byte for byte.
#include <simdjson.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "json/acg_json.h"
#include "personalize.h"

using namespace simdjson;

namespace {

double now_s()
{
    using namespace std::chrono;
    return duration<double>(steady_clock::now().time_since_epoch()).count();
}

[[noreturn]] void die(const char *what, const acg_error *err = nullptr)
{
    std::fprintf(stderr, "bench_simdjson: %s failed%s%s\n", what, err ? ": " : "",
                 err ? err->message : "");
    std::exit(1);
}

// Text packed into arena chunks, as the runtime's decoder packs it.
struct text_pool {
    acg_arena *arena;
    char *next = nullptr;
    size_t left = 0;

    const char *copy(std::string_view s)
    {
        size_t n = s.size() + 1;
        char *p;
        if (n > 4096) {
            p = static_cast<char *>(acg_arena_calloc(arena, n, 1));
        } else {
            if (n > left) {
                next = static_cast<char *>(acg_arena_calloc(arena, 65536, 1));
                left = next ? 65536 : 0;
            }
            p = next;
            next += n;
            left -= n;
        }
        if (p == nullptr)
            die("arena allocation");
        std::memcpy(p, s.data(), s.size());
        p[s.size()] = '\0';
        return p;
    }
};

template <typename T> T *alloc(acg_arena *a)
{
    T *p = static_cast<T *>(acg_arena_calloc(a, 1, sizeof(T)));
    if (p == nullptr)
        die("arena allocation");
    return p;
}

const char *opt_string(ondemand::value v, text_pool &pool)
{
    if (v.is_null())
        return nullptr;
    return pool.copy(v.get_string());
}

void opt_time(ondemand::value v, bool *has, acg_timestamp *out)
{
    if (v.is_null())
        return;
    if (acg_time_from_double(v.get_double(), out) != ACG_OK)
        die("timestamp");
    out->wire = nullptr;
    *has = true;
}

// An object (null: absent) into a new T, each member handed to fn(T *, name, value).
template <typename T, typename Fn> T *wrapper(ondemand::value v, acg_arena *a, Fn fn)
{
    if (v.is_null())
        return nullptr;
    T *w = alloc<T>(a);
    for (auto f : v.get_object())
        fn(w, f.unescaped_key(), f.value());
    return w;
}

personalize_s3_data_config *s3(ondemand::value v, text_pool &pool)
{
    return wrapper<personalize_s3_data_config>(
        v, pool.arena, [&](auto *s, std::string_view k, ondemand::value x) {
            if (k == "path")
                s->path = opt_string(x, pool);
            else if (k == "kmsKeyArn")
                s->kms_key_arn = opt_string(x, pool);
        });
}

// items moved into the arena (one spare, zeroed element, as calloc'd lists have); sets *count.
template <typename T> T *move_to_arena(acg_arena *a, const std::vector<T> &items, size_t *count)
{
    auto *p = static_cast<T *>(acg_arena_calloc(a, items.size() + 1, sizeof(T)));
    if (p == nullptr)
        die("arena allocation");
    std::memcpy(static_cast<void *>(p), items.data(), items.size() * sizeof(T));
    *count = items.size();
    return p;
}

// A map into its entries, in the order received, each value read by read.
template <typename Entry, typename Read>
Entry *read_map(ondemand::value v, text_pool &pool, size_t *count, Read read)
{
    std::vector<Entry> items;
    for (auto e : v.get_object()) {
        std::string_view k = e.unescaped_key();
        items.push_back({pool.copy(k), read(e.value())});
    }
    return move_to_arena(pool.arena, items, count);
}

personalize_batch_inference_job_config *job_config(ondemand::value v, text_pool &pool)
{
    return wrapper<personalize_batch_inference_job_config>(
        v, pool.arena, [&](auto *c, std::string_view k, ondemand::value x) {
            if (k == "itemExplorationConfig")
                c->item_exploration_config = read_map<personalize_hyper_parameters_entry>(
                    x, pool, &c->item_exploration_config_count,
                    [&](ondemand::value y) { return pool.copy(y.get_string()); });
            else if (k == "rankingInfluence")
                c->ranking_influence = read_map<personalize_ranking_influence_entry>(
                    x, pool, &c->ranking_influence_count,
                    [](ondemand::value y) { return double(y.get_double()); });
        });
}

personalize_batch_inference_job *job(ondemand::value v, text_pool &pool)
{
    if (v.is_null())
        return nullptr;
    auto *j = alloc<personalize_batch_inference_job>(pool.arena);
    for (auto f : v.get_object()) {
        std::string_view k = f.unescaped_key();
        ondemand::value x = f.value();
        if (k == "jobName") {
            j->job_name = opt_string(x, pool);
        } else if (k == "batchInferenceJobArn") {
            j->batch_inference_job_arn = opt_string(x, pool);
        } else if (k == "filterArn") {
            j->filter_arn = opt_string(x, pool);
        } else if (k == "failureReason") {
            j->failure_reason = opt_string(x, pool);
        } else if (k == "solutionVersionArn") {
            j->solution_version_arn = opt_string(x, pool);
        } else if (k == "numResults") {
            if (!x.is_null()) {
                j->num_results = int32_t(int64_t(x.get_int64()));
                j->has_num_results = true;
            }
        } else if (k == "jobInput") {
            j->job_input = wrapper<personalize_batch_inference_job_input>(
                x, pool.arena, [&](auto *w, std::string_view n, ondemand::value y) {
                    if (n == "s3DataSource")
                        w->s3_data_source = s3(y, pool);
                });
        } else if (k == "jobOutput") {
            j->job_output = wrapper<personalize_batch_inference_job_output>(
                x, pool.arena, [&](auto *w, std::string_view n, ondemand::value y) {
                    if (n == "s3DataDestination")
                        w->s3_data_destination = s3(y, pool);
                });
        } else if (k == "batchInferenceJobConfig") {
            j->batch_inference_job_config = job_config(x, pool);
        } else if (k == "roleArn") {
            j->role_arn = opt_string(x, pool);
        } else if (k == "batchInferenceJobMode") {
            j->batch_inference_job_mode = opt_string(x, pool);
        } else if (k == "themeGenerationConfig") {
            j->theme_generation_config = wrapper<personalize_theme_generation_config>(
                x, pool.arena, [&](auto *w, std::string_view n, ondemand::value y) {
                    if (n == "fieldsForThemeGeneration")
                        w->fields_for_theme_generation =
                            wrapper<personalize_fields_for_theme_generation>(
                                y, pool.arena, [&](auto *z, std::string_view m, ondemand::value u) {
                                    if (m == "itemName")
                                        z->item_name = opt_string(u, pool);
                                });
                });
        } else if (k == "status") {
            j->status = opt_string(x, pool);
        } else if (k == "creationDateTime") {
            opt_time(x, &j->has_creation_date_time, &j->creation_date_time);
        } else if (k == "lastUpdatedDateTime") {
            opt_time(x, &j->has_last_updated_date_time, &j->last_updated_date_time);
        }
    }
    return j;
}

ondemand::parser parser;
std::vector<personalize_batch_inference_job_summary> summaries;

void sj_describe(const padded_string &json, personalize_describe_batch_inference_job_response *out)
{
    std::memset(out, 0, sizeof *out);
    out->arena_ = acg_arena_new();
    text_pool pool{out->arena_};
    ondemand::document doc = parser.iterate(json);
    for (auto f : doc.get_object()) {
        if (f.unescaped_key().value() == "batchInferenceJob")
            out->batch_inference_job = job(f.value(), pool);
    }
}

void sj_list(const padded_string &json, personalize_list_batch_inference_jobs_response *out)
{
    std::memset(out, 0, sizeof *out);
    out->arena_ = acg_arena_new();
    text_pool pool{out->arena_};
    ondemand::document doc = parser.iterate(json);
    for (auto f : doc.get_object()) {
        std::string_view k = f.unescaped_key();
        if (k == "nextToken") {
            out->next_token = opt_string(f.value(), pool);
        } else if (k == "batchInferenceJobs") {
            summaries.clear();
            for (auto e : f.value().get_array()) {
                personalize_batch_inference_job_summary s{};
                for (auto g : e.get_object()) {
                    std::string_view n = g.unescaped_key();
                    ondemand::value x = g.value();
                    if (n == "batchInferenceJobArn")
                        s.batch_inference_job_arn = opt_string(x, pool);
                    else if (n == "jobName")
                        s.job_name = opt_string(x, pool);
                    else if (n == "status")
                        s.status = opt_string(x, pool);
                    else if (n == "creationDateTime")
                        opt_time(x, &s.has_creation_date_time, &s.creation_date_time);
                    else if (n == "lastUpdatedDateTime")
                        opt_time(x, &s.has_last_updated_date_time, &s.last_updated_date_time);
                    else if (n == "failureReason")
                        s.failure_reason = opt_string(x, pool);
                    else if (n == "solutionVersionArn")
                        s.solution_version_arn = opt_string(x, pool);
                    else if (n == "batchInferenceJobMode")
                        s.batch_inference_job_mode = opt_string(x, pool);
                }
                summaries.push_back(s);
            }
            out->batch_inference_jobs =
                move_to_arena(out->arena_, summaries, &out->batch_inference_jobs_count);
        }
    }
}

struct fixture {
    std::string name;
    bool is_list;
    padded_string json;
};

const acg_shape *output_shape(const fixture &f)
{
    const acg_operation *op = acg_service_find_operation(
        &personalize_service, f.is_list ? "ListBatchInferenceJobs" : "DescribeBatchInferenceJob");
    if (op == nullptr || op->output == nullptr)
        die("finding the operation");
    return op->output;
}

// The runtime's decode, as bench_decode's gen_decode_into does it.
void gen_decode(const fixture &f, void *out)
{
    const acg_shape *s = output_shape(f);
    acg_arena *arena = acg_arena_new();
    acg_error err{};
    std::memset(out, 0, s->size);
    if (acg_json_decode_body(f.json.data(), f.json.size(), s, out, arena, &err) != ACG_OK)
        die("the runtime's decode", &err);
    std::memcpy(out, &arena, sizeof arena);
}

void release(const fixture &f, void *out)
{
    if (f.is_list)
        personalize_list_batch_inference_jobs_response_free(
            static_cast<personalize_list_batch_inference_jobs_response *>(out));
    else
        personalize_describe_batch_inference_job_response_free(
            static_cast<personalize_describe_batch_inference_job_response *>(out));
}

void simd_decode(const fixture &f, void *out)
{
    try {
        if (f.is_list)
            sj_list(f.json, static_cast<personalize_list_batch_inference_jobs_response *>(out));
        else
            sj_describe(f.json,
                        static_cast<personalize_describe_batch_inference_job_response *>(out));
    } catch (const simdjson_error &e) {
        std::fprintf(stderr, "bench_simdjson: %s: %s\n", f.name.c_str(), e.what());
        std::exit(1);
    }
}

std::string serialize(const fixture &f, const void *value)
{
    acg_buf buf;
    acg_buf_init(&buf, 0);
    acg_error err{};
    acg_json_writer w;
    acg_json_writer_init(&w, &buf, ACG_JSON_WIRE);
    w.err = &err;
    if (acg_json_encode(&w, output_shape(f), value, nullptr) != ACG_OK)
        die("serializing", &err);
    std::string s(buf.data, buf.len);
    acg_buf_free(&buf);
    return s;
}

union any_output {
    personalize_list_batch_inference_jobs_response list;
    personalize_describe_batch_inference_job_response describe;
};

double rate(void (*decode)(const fixture &, void *), const fixture &f, double secs)
{
    any_output out;
    long n = 0;
    double t0 = now_s(), t;
    do {
        decode(f, &out);
        release(f, &out);
        n++;
        t = now_s();
    } while (t - t0 < secs);
    return double(n) / (t - t0);
}

} // namespace

int main(int argc, char **argv)
{
    if (argc != 3) {
        std::fprintf(stderr, "usage: bench_simdjson DIR SECONDS\n");
        return 2;
    }
    double secs = std::atof(argv[2]);
    // The kernel simdjson picked at run time for this CPU (haswell, westmere, fallback...).
    std::printf("ceiling.simdjson_impl %s\n", get_active_implementation()->name().c_str());
    for (const char *name : {"describe", "list100", "list10m"}) {
        std::string path = std::string(argv[1]) + "/" + name + ".json";
        fixture f;
        f.name = name;
        f.is_list = std::strcmp(name, "describe") != 0;
        if (padded_string::load(path).get(f.json) != SUCCESS)
            die(path.c_str());
        any_output a, b;
        gen_decode(f, &a);
        simd_decode(f, &b);
        if (serialize(f, &a) != serialize(f, &b)) {
            std::fprintf(stderr, "bench_simdjson: %s: the two decodes differ\n", name);
            return 1;
        }
        release(f, &a);
        release(f, &b);
        double mb = double(f.json.size()) / 1e6;
        std::printf("ceiling.gen.%s %.3f\n", name, rate(gen_decode, f, secs) * mb);
        std::printf("ceiling.simdjson.%s %.3f\n", name, rate(simd_decode, f, secs) * mb);
        std::fflush(stdout);
    }
    return 0;
}
