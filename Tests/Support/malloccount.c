// LD_PRELOAD shim: counts heap allocations. sluice_malloc_count() reads the process-wide total;
// sluice_malloc_count_thread() reads the calling thread's own count, so a measurement is not disturbed by
// other threads (the producer's sender, the test runner, libdispatch) allocating during its window.
// The per-thread counter uses the initial-exec TLS model: the shim is preloaded, so its TLS is static and
// reading it never calls into the dynamic loader (which could allocate, inside malloc).
#include <stdatomic.h>
#include <stddef.h>
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
static atomic_long count;
static __thread long thread_count __attribute__((tls_model("initial-exec")));
static inline void counted(void) { atomic_fetch_add(&count, 1); thread_count++; }
long sluice_malloc_count(void) { return atomic_load(&count); }
long sluice_malloc_count_thread(void) { return thread_count; }
void *malloc(size_t n) { counted(); return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { counted(); return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { counted(); return __libc_realloc(p, n); }
void *memalign(size_t a, size_t n) { counted(); return __libc_memalign(a, n); }
void *aligned_alloc(size_t a, size_t n) { counted(); return __libc_memalign(a, n); }
int posix_memalign(void **r, size_t a, size_t n) { counted(); *r = __libc_memalign(a, n); return *r ? 0 : 12; }
