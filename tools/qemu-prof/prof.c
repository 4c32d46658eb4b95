// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * qemu-prof: a QEMU TCG plugin (system emulation, QEMU 10.0, plugin API
 * version 4) that counts the instructions the guest executes per
 * translation block, for kernel addresses only (>= 0xffff000000000000:
 * the arm64 kernel, including its EL2 code in VHE mode; nVHE hyp code
 * runs at hyp VAs below that and is not counted), with optional phases.
 *
 *   qemu-system-aarch64 ... -plugin file=prof.so,arg=out=FILE[,arg=mark=...]
 *
 * Arguments:
 *   out=FILE              where to write the counts at exit (required)
 *   mark=NAME@HEXADDR     when the instruction at HEXADDR executes, the
 *                         phase becomes NAME
 *   mark=NAME@HEXADDR@REG the phase becomes NAME=VALUE, VALUE being the
 *                         register REG (e.g. x0) at that instruction: one
 *                         phase per distinct value, in the order first seen
 * Everything before the first marker is phase 0 ("start"). The phase is
 * global (not per vCPU): whatever the other vCPUs do meanwhile is counted
 * in it too.
 *
 * Counting is inline (a per-vCPU scoreboard, one 64-bit counter per
 * distinct (TB start, TB length)), so QEMU runs at close to its normal
 * speed; only marker instructions call back into the plugin. On a phase
 * change, the counters' growth since the last change goes to the phase
 * that ends.
 *
 * Output, at exit:
 *   # qemu-prof slots=N phases=P
 *   # phase ID KEY kernel_insns=K other_insns=O
 *   ID VADDR NINSNS EXECS        one line per TB with EXECS > 0 in phase ID
 * ("other" = every instruction at addresses below 0xffff000000000000:
 * user space, nested guests, nVHE hyp code.) Instructions of a TB are
 * counted when it is entered, so a TB left early by an exception counts
 * whole: a small overcount.
 *
 * QEMU ships no plugin header here (Debian has no qemu-plugin.h) and no
 * glib headers are installed: the few API types and functions used are
 * declared below, as QEMU 10.0's include/qemu/qemu-plugin.h defines them.
 * Build (host x86_64): gcc -shared -fPIC -O2 -Wall -o prof.so prof.c
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- QEMU plugin API (version 4, QEMU 9.2 .. 10.0) ---- */
#define QEMU_PLUGIN_EXPORT __attribute__((visibility("default")))

typedef uint64_t qemu_plugin_id_t;

typedef struct {
	const char *target_name;
	struct {
		int min;
		int cur;
	} version;
	bool system_emulation;
	union {
		struct {
			int smp_vcpus;
			int max_vcpus;
		} system;
	};
} qemu_info_t;

struct qemu_plugin_tb;
struct qemu_plugin_insn;
struct qemu_plugin_scoreboard;
struct qemu_plugin_register;

typedef struct {
	struct qemu_plugin_scoreboard *score;
	size_t offset;
} qemu_plugin_u64;

enum qemu_plugin_cb_flags {
	QEMU_PLUGIN_CB_NO_REGS,
	QEMU_PLUGIN_CB_R_REGS,
	QEMU_PLUGIN_CB_RW_REGS,
};

enum qemu_plugin_op {
	QEMU_PLUGIN_INLINE_ADD_U64,
	QEMU_PLUGIN_INLINE_STORE_U64,
};

typedef struct {
	struct qemu_plugin_register *handle;
	const char *name;
	const char *feature;
} qemu_plugin_reg_descriptor;

/* glib's public array structs (QEMU links glib; no headers installed) */
typedef struct {
	char *data;
	unsigned int len;
} GArray;
typedef struct {
	uint8_t *data;
	unsigned int len;
} GByteArray;
GByteArray *g_byte_array_new(void);
GByteArray *g_byte_array_set_size(GByteArray *array, unsigned int length);

typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id,
					       struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index,
					    void *userdata);
typedef void (*qemu_plugin_vcpu_simple_cb_t)(qemu_plugin_id_t id,
					     unsigned int vcpu_index);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
					   qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_init_cb(qemu_plugin_id_t id,
				       qemu_plugin_vcpu_simple_cb_t cb);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id,
				    qemu_plugin_udata_cb_t cb, void *userdata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb,
						 size_t idx);
void qemu_plugin_register_vcpu_tb_exec_inline_per_vcpu(struct qemu_plugin_tb *tb,
							enum qemu_plugin_op op,
							qemu_plugin_u64 entry,
							uint64_t imm);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn,
					    qemu_plugin_vcpu_udata_cb_t cb,
					    enum qemu_plugin_cb_flags flags,
					    void *userdata);
struct qemu_plugin_scoreboard *qemu_plugin_scoreboard_new(size_t element_size);
uint64_t qemu_plugin_u64_sum(qemu_plugin_u64 entry);
GArray *qemu_plugin_get_registers(void);
int qemu_plugin_read_register(struct qemu_plugin_register *handle,
			      GByteArray *buf);
void qemu_plugin_outs(const char *string);

QEMU_PLUGIN_EXPORT int qemu_plugin_version = 4;

/* ---- the profiler ---- */
#define KERNEL_MIN	0xffff000000000000ULL
#define MAX_SLOTS	(1u << 18)	/* distinct kernel (TB start, length) pairs */
#define HASH_SIZE	(1u << 19)	/* open addressing, power of two */
#define MAX_PHASES	32
#define MAX_MARKS	16
#define OTHER_SLOT	0		/* instructions below KERNEL_MIN */
#define OVERFLOW_SLOT	1		/* kernel TBs once the slots run out */

struct mark {
	char name[32];
	uint64_t addr;
	char reg[16];
	struct qemu_plugin_register *handle;	/* for reg */
	int phase;			/* cached, for a marker without reg */
};

static const char *out_path;
static struct mark marks[MAX_MARKS];
static int nmarks;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct qemu_plugin_scoreboard *sb;
static uint64_t hkeys[HASH_SIZE];	/* key + 1; 0 = empty */
static uint32_t hslot[HASH_SIZE];
static uint64_t slot_vaddr[MAX_SLOTS];
static uint32_t slot_ninsns[MAX_SLOTS];
static uint32_t nslots = 2;
static uint64_t snap[MAX_SLOTS];	/* counter values at the last switch */

static char phase_key[MAX_PHASES][64];
static uint64_t *acc[MAX_PHASES];	/* per phase: execs per slot */
static int nphases = 1, cur_phase;

static qemu_plugin_u64 slot_u64(uint32_t slot)
{
	return (qemu_plugin_u64){ .score = sb, .offset = (size_t)slot * 8 };
}

/* Under lock. */
static uint32_t slot_of(uint64_t vaddr, uint32_t n)
{
	/* 48 significant bits of a kernel address, the length above them */
	uint64_t key = (vaddr & 0x0000ffffffffffffULL) | ((uint64_t)n << 48);
	uint64_t h = (key * 0x9e3779b97f4a7c15ULL) >> 40;
	uint32_t i = h & (HASH_SIZE - 1);

	while (hkeys[i]) {
		if (hkeys[i] == key + 1)
			return hslot[i];
		i = (i + 1) & (HASH_SIZE - 1);
	}
	if (nslots >= MAX_SLOTS)
		return OVERFLOW_SLOT;
	hkeys[i] = key + 1;
	hslot[i] = nslots;
	slot_vaddr[nslots] = vaddr;
	slot_ninsns[nslots] = n;
	return nslots++;
}

/* Under lock: the counters' growth since the last switch goes to @p. */
static void flush_to(int p)
{
	uint32_t s, n = nslots;

	if (!acc[p])
		acc[p] = calloc(MAX_SLOTS, sizeof(uint64_t));
	for (s = 0; s < n; s++) {
		uint64_t v = qemu_plugin_u64_sum(slot_u64(s));

		acc[p][s] += v - snap[s];
		snap[s] = v;
	}
}

/* Under lock. */
static int phase_of(const char *key)
{
	int p;

	for (p = 0; p < nphases; p++)
		if (!strcmp(phase_key[p], key))
			return p;
	if (nphases == MAX_PHASES)
		return MAX_PHASES - 1;	/* the last one takes the rest */
	snprintf(phase_key[nphases], sizeof(phase_key[0]), "%s", key);
	return nphases++;
}

static void mark_hit(unsigned int vcpu, void *udata)
{
	static __thread GByteArray *buf;
	struct mark *m = udata;
	char key[64];
	int p;

	(void)vcpu;
	if (m->reg[0]) {
		uint64_t v = 0;
		int n;

		if (!buf)
			buf = g_byte_array_new();
		g_byte_array_set_size(buf, 0);
		n = m->handle ? qemu_plugin_read_register(m->handle, buf) : -1;
		if (n > 0)
			memcpy(&v, buf->data, n < 8 ? n : 8);	/* little endian */
		snprintf(key, sizeof(key), "%s=%" PRIx64, m->name, v);
	}
	pthread_mutex_lock(&lock);
	if (m->reg[0]) {
		p = phase_of(key);
	} else {
		if (m->phase < 0)
			m->phase = phase_of(m->name);
		p = m->phase;
	}
	if (p != cur_phase) {
		flush_to(cur_phase);
		cur_phase = p;
	}
	pthread_mutex_unlock(&lock);
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	uint64_t va = qemu_plugin_tb_vaddr(tb);
	size_t n = qemu_plugin_tb_n_insns(tb);
	uint32_t slot;
	int i;

	(void)id;
	if (va < KERNEL_MIN) {
		qemu_plugin_register_vcpu_tb_exec_inline_per_vcpu(tb,
			QEMU_PLUGIN_INLINE_ADD_U64, slot_u64(OTHER_SLOT), n);
		return;
	}
	pthread_mutex_lock(&lock);
	slot = slot_of(va, n);
	pthread_mutex_unlock(&lock);
	qemu_plugin_register_vcpu_tb_exec_inline_per_vcpu(tb,
		QEMU_PLUGIN_INLINE_ADD_U64, slot_u64(slot), 1);
	/* arm64: fixed 4-byte instructions */
	for (i = 0; i < nmarks; i++) {
		if (marks[i].addr < va || marks[i].addr >= va + 4 * n)
			continue;
		qemu_plugin_register_vcpu_insn_exec_cb(
			qemu_plugin_tb_get_insn(tb, (marks[i].addr - va) / 4),
			mark_hit, marks[i].reg[0] ? QEMU_PLUGIN_CB_R_REGS :
						    QEMU_PLUGIN_CB_NO_REGS,
			&marks[i]);
	}
}

static void vcpu_init(qemu_plugin_id_t id, unsigned int vcpu)
{
	GArray *regs;
	unsigned int r;
	int i;

	(void)id;
	(void)vcpu;
	regs = qemu_plugin_get_registers();
	if (!regs)
		return;
	for (i = 0; i < nmarks; i++) {
		if (!marks[i].reg[0] || marks[i].handle)
			continue;
		for (r = 0; r < regs->len; r++) {
			qemu_plugin_reg_descriptor *d =
				(qemu_plugin_reg_descriptor *)regs->data + r;

			if (!strcmp(d->name, marks[i].reg))
				marks[i].handle = d->handle;
		}
		if (!marks[i].handle) {
			fprintf(stderr, "qemu-prof: no register %s\n", marks[i].reg);
			exit(1);
		}
	}
	/* the array is glib's; leaving it allocated is harmless */
}

static void at_exit(qemu_plugin_id_t id, void *udata)
{
	FILE *f;
	uint32_t s;
	int p;

	(void)id;
	(void)udata;
	pthread_mutex_lock(&lock);
	flush_to(cur_phase);
	f = fopen(out_path, "w");
	if (!f) {
		perror(out_path);
		pthread_mutex_unlock(&lock);
		return;
	}
	fprintf(f, "# qemu-prof slots=%u phases=%d%s\n", nslots, nphases,
		nslots >= MAX_SLOTS ? " (slots ran out: see slot 1)" : "");
	strcpy(phase_key[0], "start");
	for (p = 0; p < nphases; p++) {
		uint64_t k = 0;

		if (!acc[p])
			acc[p] = calloc(MAX_SLOTS, sizeof(uint64_t));
		for (s = 2; s < nslots; s++)
			k += acc[p][s] * slot_ninsns[s];
		fprintf(f, "# phase %d %s kernel_insns=%" PRIu64
			" other_insns=%" PRIu64 " overflow_execs=%" PRIu64 "\n",
			p, phase_key[p], k, acc[p][OTHER_SLOT],
			acc[p][OVERFLOW_SLOT]);
	}
	for (p = 0; p < nphases; p++)
		for (s = 2; s < nslots; s++)
			if (acc[p][s])
				fprintf(f, "%d %" PRIx64 " %u %" PRIu64 "\n", p,
					slot_vaddr[s], slot_ninsns[s], acc[p][s]);
	fclose(f);
	pthread_mutex_unlock(&lock);
}

static int parse_mark(const char *arg)
{
	struct mark *m = &marks[nmarks];
	char buf[128], *at, *at2;

	if (nmarks == MAX_MARKS || strlen(arg) >= sizeof(buf))
		return -1;
	strcpy(buf, arg);
	at = strchr(buf, '@');
	if (!at || at == buf || at - buf >= (long)sizeof(m->name))
		return -1;
	*at++ = 0;
	at2 = strchr(at, '@');
	if (at2) {
		*at2++ = 0;
		if (!*at2 || strlen(at2) >= sizeof(m->reg))
			return -1;
		strcpy(m->reg, at2);
	}
	strcpy(m->name, buf);
	m->addr = strtoull(at, NULL, 16);
	m->phase = -1;
	if (!m->addr)
		return -1;
	nmarks++;
	return 0;
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
					   const qemu_info_t *info,
					   int argc, char **argv)
{
	int i;

	if (!info->system_emulation) {
		fprintf(stderr, "qemu-prof: system emulation only\n");
		return -1;
	}
	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "out=", 4)) {
			out_path = argv[i] + 4;
		} else if (!strncmp(argv[i], "mark=", 5)) {
			if (parse_mark(argv[i] + 5)) {
				fprintf(stderr, "qemu-prof: bad %s (mark=NAME@HEXADDR[@REG])\n",
					argv[i]);
				return -1;
			}
		} else {
			fprintf(stderr, "qemu-prof: unknown argument %s\n", argv[i]);
			return -1;
		}
	}
	if (!out_path) {
		fprintf(stderr, "qemu-prof: out=FILE is required\n");
		return -1;
	}
	strcpy(phase_key[0], "start");
	sb = qemu_plugin_scoreboard_new((size_t)MAX_SLOTS * 8);
	qemu_plugin_register_vcpu_init_cb(id, vcpu_init);
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
