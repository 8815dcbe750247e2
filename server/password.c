/*
 * password.c - Argon2id hashing (libargon2), constant-cost verification for unknown users,
 * the password policy and one-time password generation. Once password_pool_start has run,
 * every hash runs on a small pool of low-priority threads, so that logins cannot take the
 * cores from the I/O thread.
 */
#include <ctype.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <argon2.h>
#include <openssl/rand.h>

#include "common_passwords.h"
#include "config.h"
#include "password.h"
#include "proto.h"

#define SALT_LEN 16
#define HASH_LEN 32

static pthread_mutex_t params_lock = PTHREAD_MUTEX_INITIALIZER;
static struct password_params cur = {PASSWORD_M_KIB_DEFAULT, PASSWORD_T_DEFAULT,
                                     PASSWORD_P_DEFAULT};
/* Hash of a fixed string at the cost in cur, made on first use after each change. */
static char dummy_hash[PASSWORD_HASH_MAX];

/* Set once password_configure has been called: the configuration is then not followed. */
static bool explicit_params;

static int set_params(const struct password_params *params, bool is_explicit)
{
    if (!params || params->t < ARGON2_MIN_TIME || params->p < 1 || params->p > ARGON2_MAX_LANES ||
        params->m_kib < 8 * params->p || params->m_kib > 4u * 1024 * 1024)
        return -1;
    pthread_mutex_lock(&params_lock);
    if (is_explicit)
        explicit_params = true;
    else if (explicit_params) {
        pthread_mutex_unlock(&params_lock);
        return 0;
    }
    if (params->m_kib != cur.m_kib || params->t != cur.t || params->p != cur.p) {
        cur = *params;
        dummy_hash[0] = '\0';
    }
    pthread_mutex_unlock(&params_lock);
    return 0;
}

int password_configure(const struct password_params *params)
{
    return set_params(params, true);
}

/* Follows the running configuration's argon2_* settings once one is installed. */
static void sync_from_config(void)
{
    const struct config *c = config_get();
    if (!c)
        return;
    struct password_params p = {(uint32_t)c->argon2_memory_kib, (uint32_t)c->argon2_time,
                                (uint32_t)c->argon2_parallelism};
    (void)set_params(&p, false);
}

struct password_params password_current_params(void)
{
    sync_from_config();
    pthread_mutex_lock(&params_lock);
    struct password_params p = cur;
    pthread_mutex_unlock(&params_lock);
    return p;
}

/* ---- the hashing pool ---- */

/* One hash or verification handed to the pool; the caller waits on done. */
struct pw_job {
    bool verify; /* argon2id_verify of encoded, else argon2id_hash_encoded into out */
    const struct password_params *p;
    const char *password;
    const uint8_t *salt;
    const char *encoded;
    char *out;
    int rc; /* the libargon2 result */
    bool done;
    struct pw_job *next;
};

static struct {
    pthread_mutex_t lock;
    pthread_cond_t work, done;
    struct pw_job *head, *tail;
    pthread_t th[PASSWORD_POOL_MAX];
    unsigned threads;
    bool stopping;
} pool = {.lock = PTHREAD_MUTEX_INITIALIZER,
          .work = PTHREAD_COND_INITIALIZER,
          .done = PTHREAD_COND_INITIALIZER};

static int run_job(struct pw_job *j)
{
    if (j->verify)
        return argon2id_verify(j->encoded, j->password, strlen(j->password));
    return argon2id_hash_encoded(j->p->t, j->p->m_kib, j->p->p, j->password, strlen(j->password),
                                 j->salt, SALT_LEN, HASH_LEN, j->out, PASSWORD_HASH_MAX);
}

/* Pool thread: lowers its own priority (nice + SCHED_BATCH: a thread may always lower its
 * own), then runs jobs until password_pool_stop. */
static void *pool_thread(void *arg)
{
    (void)arg;
    pid_t tid = (pid_t)syscall(SYS_gettid);
    struct sched_param sp = {.sched_priority = 0};
    (void)sched_setscheduler(tid, SCHED_BATCH, &sp);
    (void)setpriority(PRIO_PROCESS, (id_t)tid, PASSWORD_POOL_NICE);
    pthread_mutex_lock(&pool.lock);
    for (;;) {
        while (!pool.head && !pool.stopping)
            pthread_cond_wait(&pool.work, &pool.lock);
        struct pw_job *j = pool.head;
        if (!j)
            break; /* stopping, and nothing is left */
        pool.head = j->next;
        if (!pool.head)
            pool.tail = NULL;
        pthread_mutex_unlock(&pool.lock);
        int rc = run_job(j);
        pthread_mutex_lock(&pool.lock);
        j->rc = rc;
        j->done = true;
        pthread_cond_broadcast(&pool.done);
    }
    pthread_mutex_unlock(&pool.lock);
    return NULL;
}

unsigned password_pool_start(unsigned threads)
{
    if (threads == 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        threads = cores > 1 ? (unsigned)(cores - 1) : 1;
    }
    if (threads > PASSWORD_POOL_MAX)
        threads = PASSWORD_POOL_MAX;
    pthread_mutex_lock(&pool.lock);
    pool.stopping = false;
    while (pool.threads < threads &&
           pthread_create(&pool.th[pool.threads], NULL, pool_thread, NULL) == 0)
        pool.threads++;
    unsigned n = pool.threads;
    pthread_mutex_unlock(&pool.lock);
    return n;
}

unsigned password_pool_threads(void)
{
    pthread_mutex_lock(&pool.lock);
    unsigned n = pool.threads;
    pthread_mutex_unlock(&pool.lock);
    return n;
}

void password_pool_stop(void)
{
    pthread_mutex_lock(&pool.lock);
    pool.stopping = true;
    pthread_cond_broadcast(&pool.work);
    unsigned n = pool.threads;
    pthread_mutex_unlock(&pool.lock);
    for (unsigned i = 0; i < n; i++)
        pthread_join(pool.th[i], NULL);
    pthread_mutex_lock(&pool.lock);
    pool.threads = 0;
    pthread_mutex_unlock(&pool.lock);
}

/* Runs j on the pool when it runs (waiting for the answer), else on the calling thread. */
static int submit(struct pw_job *j)
{
    pthread_mutex_lock(&pool.lock);
    if (pool.threads == 0 || pool.stopping) {
        pthread_mutex_unlock(&pool.lock);
        return run_job(j);
    }
    j->done = false;
    j->next = NULL;
    if (pool.tail)
        pool.tail->next = j;
    else
        pool.head = j;
    pool.tail = j;
    pthread_cond_signal(&pool.work);
    while (!j->done)
        pthread_cond_wait(&pool.done, &pool.lock);
    pthread_mutex_unlock(&pool.lock);
    return j->rc;
}

static int hash_with(const struct password_params *p, const char *password,
                     const uint8_t salt[SALT_LEN], char out[PASSWORD_HASH_MAX])
{
    struct pw_job j = {.p = p, .password = password, .salt = salt, .out = out};
    return submit(&j) == ARGON2_OK ? 0 : -1;
}

/* argon2id_verify, on the pool when it runs. */
static int verify_with(const char *encoded, const char *password)
{
    struct pw_job j = {.verify = true, .encoded = encoded, .password = password};
    return submit(&j);
}

int password_hash(const char *password, char out[PASSWORD_HASH_MAX])
{
    uint8_t salt[SALT_LEN];
    if (!password || RAND_bytes(salt, sizeof salt) != 1)
        return -1;
    struct password_params p = password_current_params();
    return hash_with(&p, password, salt, out);
}

/* Copies the dummy hash for the current cost into out, making it when needed. */
static int dummy_get(char out[PASSWORD_HASH_MAX])
{
    static const uint8_t salt[SALT_LEN] = "agency-dummy-sa";
    sync_from_config();
    pthread_mutex_lock(&params_lock);
    struct password_params p = cur;
    bool have = dummy_hash[0] != '\0';
    if (have)
        memcpy(out, dummy_hash, PASSWORD_HASH_MAX);
    pthread_mutex_unlock(&params_lock);
    if (have)
        return 0;
    if (hash_with(&p, "unknown user: this password never matches", salt, out) != 0)
        return -1;
    pthread_mutex_lock(&params_lock);
    if (p.m_kib == cur.m_kib && p.t == cur.t && p.p == cur.p)
        memcpy(dummy_hash, out, PASSWORD_HASH_MAX);
    pthread_mutex_unlock(&params_lock);
    return 0;
}

bool password_verify(const char *encoded, const char *password)
{
    if (!password)
        return false;
    if (!encoded) {
        char dummy[PASSWORD_HASH_MAX];
        if (dummy_get(dummy) == 0)
            (void)verify_with(dummy, password);
        return false;
    }
    return verify_with(encoded, password) == ARGON2_OK;
}

/* ASCII-lower-cases s into out (outlen bytes); false if it does not fit. */
static bool lower_copy(const char *s, char *out, size_t outlen)
{
    size_t n = strlen(s);
    if (n >= outlen)
        return false;
    for (size_t i = 0; i <= n; i++)
        out[i] = (char)tolower((unsigned char)s[i]);
    return true;
}

static bool is_common(const char *lower)
{
    for (size_t i = 0; i < sizeof common_passwords / sizeof common_passwords[0]; i++)
        if (strcmp(lower, common_passwords[i]) == 0)
            return true;
    return false;
}

/* True if a equals b read backwards (both NUL-ended). */
static bool is_reverse(const char *a, const char *b)
{
    size_t n = strlen(a);
    if (n != strlen(b))
        return false;
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[n - 1 - i])
            return false;
    return true;
}

const char *password_policy_check(const char *password, const char *username)
{
    if (!password)
        return "is required";
    size_t len = strlen(password);
    if (!proto_utf8_valid(password, len))
        return "is not valid UTF-8";
    size_t chars = proto_utf8_chars(password, len);
    if (chars < PASSWORD_MIN_CHARS)
        return "must have at least 8 characters";
    if (chars > PASSWORD_MAX_CHARS)
        return "must have at most 128 characters";
    char lower[PASSWORD_MAX_CHARS * 4 + 1];
    if (!lower_copy(password, lower, sizeof lower))
        return "must have at most 128 characters";
    if (is_common(lower))
        return "is too common; choose a less predictable password";
    if (username && username[0]) {
        char ulower[256];
        if (lower_copy(username, ulower, sizeof ulower) &&
            (strcmp(lower, ulower) == 0 || is_reverse(lower, ulower)))
            return "must not be your user name";
    }
    return NULL;
}

int password_generate(char *out, size_t outlen, size_t len)
{
    static const char alphabet[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    const unsigned n = sizeof alphabet - 1;
    const unsigned limit = 256 - 256 % n; /* reject bytes that would bias the choice */
    if (!out || len + 1 > outlen)
        return -1;
    size_t have = 0;
    for (int round = 0; have < len && round < 64; round++) {
        uint8_t buf[64];
        if (RAND_bytes(buf, sizeof buf) != 1)
            return -1;
        for (size_t i = 0; i < sizeof buf && have < len; i++)
            if (buf[i] < limit)
                out[have++] = alphabet[buf[i] % n];
    }
    if (have < len)
        return -1;
    out[len] = '\0';
    return 0;
}
