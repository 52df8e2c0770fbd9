/*
 * Allocation tracer for memory investigations (issue 17): preload it into a JVM or a Python
 * process and it writes one line per malloc/posix_memalign/... of at least MTRACE_MIN bytes
 * (default 1 MiB) and per free of such a block: "<op> <thread id> <size> <address>".
 *
 *   gcc -O2 -shared -fPIC -o /tmp/liballoctrace.so src/test/native/alloctrace.c -ldl -lpthread
 *   MTRACE_FILE=/tmp/trace.txt MTRACE_ON=1 LD_PRELOAD=/tmp/liballoctrace.so java ...
 *
 * Without MTRACE_ON, tracing starts when the program calls trace_mark(i, 1) (e.g. from Java through
 * JNA, Native.load("/tmp/liballoctrace.so", ...), or from Python through ctypes); trace_mark writes
 * "M <i>" and switches tracing on or off, so a training loop can mark its iterations and steps can
 * be compared with each other: same sizes in the same order, same addresses. MTRACE_BT=<size>
 * appends the call stack (symbols where the libraries export them) after each allocation of
 * exactly that size. A diagnostic, not part of the build.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <execinfo.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static void *(*real_malloc)(size_t);
static void (*real_free)(void *);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static int (*real_posix_memalign)(void **, size_t, size_t);
static void *(*real_memalign)(size_t, size_t);
static void *(*real_aligned_alloc)(size_t, size_t);

static int fd = -1;
static volatile int on = 0;
static size_t min_size = 1 << 20, bt_size = 0;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
/* dlsym may allocate before the real functions are known: serve it from a static buffer */
static char boot[65536];
static size_t boot_used = 0;
static int initialising = 0;
static __thread int in_backtrace = 0;

static void init(void) {
	if (real_malloc || initialising) return;
	initialising = 1;
	real_malloc = dlsym(RTLD_NEXT, "malloc");
	real_free = dlsym(RTLD_NEXT, "free");
	real_calloc = dlsym(RTLD_NEXT, "calloc");
	real_realloc = dlsym(RTLD_NEXT, "realloc");
	real_posix_memalign = dlsym(RTLD_NEXT, "posix_memalign");
	real_memalign = dlsym(RTLD_NEXT, "memalign");
	real_aligned_alloc = dlsym(RTLD_NEXT, "aligned_alloc");
	const char *f = getenv("MTRACE_FILE");
	if (f) fd = open(f, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	const char *m = getenv("MTRACE_MIN");
	if (m) min_size = strtoul(m, 0, 10);
	const char *b = getenv("MTRACE_BT");
	if (b) bt_size = strtoul(b, 0, 10);
	if (getenv("MTRACE_ON")) on = 1;
	initialising = 0;
}

static void *boot_alloc(size_t n) {
	void *p = boot + boot_used;
	boot_used += (n + 15) & ~(size_t) 15;
	return boot_used <= sizeof boot ? p : NULL;
}

static void put(const char *s, int n) {
	pthread_mutex_lock(&lock);
	if (write(fd, s, n) < 0) fd = -1;
	pthread_mutex_unlock(&lock);
}

static void record(char op, size_t size, void *p) {
	if (!on || fd < 0 || size < min_size) return;
	char line[96];
	int n = snprintf(line, sizeof line, "%c %ld %zu %lx\n", op, (long) syscall(SYS_gettid), size, (unsigned long) p);
	put(line, n);
	if (op != 'f' && bt_size && size == bt_size && !in_backtrace) {
		in_backtrace = 1;
		void *frames[10];
		int count = backtrace(frames, 10), k = 1;
		char text[2048];
		text[0] = 'B';
		for (int i = 1; i < count && k < 1900; i++) {
			Dl_info d;
			if (dladdr(frames[i], &d) && d.dli_sname) k += snprintf(text + k, sizeof text - k, " %s", d.dli_sname);
			else if (dladdr(frames[i], &d) && d.dli_fname) k += snprintf(text + k, sizeof text - k, " [%s+%lx]", d.dli_fname, (unsigned long) ((char *) frames[i] - (char *) d.dli_fbase));
			else k += snprintf(text + k, sizeof text - k, " ?");
		}
		text[k++] = '\n';
		put(text, k);
		in_backtrace = 0;
	}
}

void trace_mark(int i, int trace) {
	init();
	on = 0;
	if (fd >= 0) {
		char line[32];
		put(line, snprintf(line, sizeof line, "M %d\n", i));
	}
	on = trace;
}

void *malloc(size_t s) {
	if (!real_malloc) {
		if (initialising) return boot_alloc(s);
		init();
	}
	void *p = real_malloc(s);
	record('a', s, p);
	return p;
}

void *calloc(size_t n, size_t s) {
	if (!real_calloc) {
		if (initialising) return boot_alloc(n * s); /* static memory is zeroed */
		init();
	}
	void *p = real_calloc(n, s);
	record('c', n * s, p);
	return p;
}

void free(void *p) {
	if (!p || ((char *) p >= boot && (char *) p < boot + sizeof boot)) return;
	if (!real_free) init();
	if (on) record('f', malloc_usable_size(p), p);
	real_free(p);
}

void *realloc(void *p, size_t s) {
	if (!real_realloc) init();
	size_t old = p && on ? malloc_usable_size(p) : 0;
	void *q = real_realloc(p, s);
	if (p) record('f', old, p);
	record('r', s, q);
	return q;
}

int posix_memalign(void **out, size_t alignment, size_t s) {
	if (!real_posix_memalign) init();
	int r = real_posix_memalign(out, alignment, s);
	if (!r) record('p', s, *out);
	return r;
}

void *memalign(size_t alignment, size_t s) {
	if (!real_memalign) init();
	void *p = real_memalign(alignment, s);
	record('m', s, p);
	return p;
}

void *aligned_alloc(size_t alignment, size_t s) {
	if (!real_aligned_alloc) init();
	void *p = real_aligned_alloc(alignment, s);
	record('l', s, p);
	return p;
}
