/* SPDX-License-Identifier: BSD-3-Clause */
/* dp_flow: both directions find one entry, the client is told apart, and
 * every entry leaves exactly once (ended, idle, hard), released once. */
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dp_flow.h"
#include "tb_eal.h"

static const uint8_t CLIENT[4] = {192, 0, 2, 10}, SERVER[4] = {198, 51, 100, 80};
static unsigned released;

static void
on_release(void *ctx, struct dp_flow *f)
{
	(void)ctx;
	(void)f;
	released++;
}

static struct dp_pkt
pkt(bool from_client, uint8_t proto, uint16_t cport, uint16_t sport, uint8_t flags)
{
	struct dp_pkt p = {.family = 4, .proto = proto, .tcp_flags = flags};

	p.saddr = from_client ? CLIENT : SERVER;
	p.daddr = from_client ? SERVER : CLIENT;
	p.sport = from_client ? cport : sport;
	p.dport = from_client ? sport : cport;
	return p;
}

/* One TCP flow packet by packet: the entry found, its direction and client. */
static void
test_dp_flow_get_both_directions(void **state)
{
	static const struct {
		bool from_client;
		uint8_t flags;
		bool create;
		bool found, created;
		enum dp_dir dir;
	} rows[] = {
	    {false, DP_TCP_ACK, false, false, false, DP_DIR_C2S}, /* nothing held, none made */
	    {true, DP_TCP_SYN, true, true, true, DP_DIR_C2S},
	    {false, DP_TCP_SYN | DP_TCP_ACK, true, true, false, DP_DIR_S2C},
	    {true, DP_TCP_ACK, true, true, false, DP_DIR_C2S},
	    {false, DP_TCP_ACK, false, true, false, DP_DIR_S2C},
	};
	struct dp_flow_cfg cfg = {DP_FLOW_MIN_CAPACITY, 10, 100};
	struct dp_flow_stats st = {0};
	struct dp_flow_table t;
	struct dp_flow *first = NULL;

	(void)state;
	assert_int_equal(dp_flow_table_init(&t, "test_flows1", &cfg, &st, on_release, NULL, 0), 0);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct dp_pkt p = pkt(rows[i].from_client, IPPROTO_TCP, 40000, 443, rows[i].flags);
		bool created = false;
		enum dp_dir dir;
		struct dp_flow *f = dp_flow_get(&t, &p, 1, rows[i].create, &created, &dir);

		print_message("row %zu\n", i);
		assert_int_equal(f != NULL, rows[i].found);
		if (f == NULL)
			continue;
		assert_int_equal(created, rows[i].created);
		assert_int_equal(dir, rows[i].dir);
		assert_memory_equal(dp_flow_client(f), CLIENT, 4);
		assert_memory_equal(dp_flow_server(f), SERVER, 4);
		if (first == NULL)
			first = f;
		assert_ptr_equal(f, first);
	}
	assert_int_equal(st.created, 1);
	assert_int_equal(dp_flow_stats_active(&st), 1);
	dp_flow_table_fini(&t);
}

/* Every way out, each counted once, each entry released once:
 * created - (ended + idle + hard + evicted + restarted) == active. */
static void
test_dp_flow_leaves_once(void **state)
{
	struct dp_flow_cfg cfg = {DP_FLOW_MIN_CAPACITY, 10, 100};
	struct dp_flow_stats st = {0};
	struct dp_flow_table t;
	struct dp_pkt p;
	struct dp_flow *f;
	bool created;
	enum dp_dir dir;

	(void)state;
	released = 0;
	assert_int_equal(dp_flow_table_init(&t, "test_flows2", &cfg, &st, on_release, NULL, 0), 0);
	/* A: UDP without a handshake - the higher port is the client's. */
	p = pkt(true, IPPROTO_UDP, 5353, 53, 0);
	f = dp_flow_get(&t, &p, 0, true, &created, &dir);
	assert_non_null(f);
	assert_memory_equal(dp_flow_client(f), CLIENT, 4);
	dp_flow_end(&t, f);
	assert_int_equal(st.ended, 1);
	assert_int_equal(released, 1);
	/* B: idle for 10 s. */
	p = pkt(true, IPPROTO_TCP, 40001, 443, DP_TCP_SYN);
	assert_non_null(dp_flow_get(&t, &p, 0, true, &created, &dir));
	assert_int_equal(dp_flow_sweep(&t, 9, t.n_slots), 0);
	assert_int_equal(dp_flow_sweep(&t, 10, t.n_slots), 1);
	assert_int_equal(st.idle, 1);
	/* C: busy, but past the hard timeout of 100 s. */
	p = pkt(true, IPPROTO_TCP, 40002, 443, DP_TCP_SYN);
	for (uint32_t now = 20; now <= 119; now += 5)
		assert_non_null(dp_flow_get(&t, &p, now, true, &created, &dir));
	assert_int_equal(dp_flow_sweep(&t, 119, t.n_slots), 0);
	assert_int_equal(dp_flow_sweep(&t, 120, t.n_slots), 1);
	assert_int_equal(st.hard, 1);
	assert_int_equal(st.created, 3);
	assert_int_equal(released, 3);
	assert_int_equal(dp_flow_stats_active(&st), 0);
	/* After the hard timeout the same tuple is a new flow. */
	assert_non_null(dp_flow_get(&t, &p, 121, true, &created, &dir));
	assert_true(created);
	assert_int_equal(dp_flow_stats_active(&st), 1);
	dp_flow_table_fini(&t);
}

/* The index against a model: 64 entries in 16 buckets of 7 ways, so keys
 * do leave their home bucket; 20,000 random lookups, creations and ends of
 * 200 flows, and bursts looked up at once, each answered as the model
 * says.  Emptied, the index holds nothing and no overflow. */
static void
test_dp_flow_index_model(void **state)
{
	struct dp_flow_cfg cfg = {DP_FLOW_MIN_CAPACITY, 10, 100};
	struct dp_flow_stats st = {0};
	struct dp_flow_table t;
	struct dp_flow *held[200] = {0};
	uint32_t x = 12345, n_held = 0, max_overflow = 0;

	(void)state;
	assert_int_equal(dp_flow_table_init(&t, "test_flows3", &cfg, &st, on_release, NULL, 0), 0);
	assert_int_equal(t.bucket_mask + 1, 16);
	for (unsigned step = 0; step < 20000; step++) {
		unsigned i, op;
		struct dp_pkt p;
		bool created;
		enum dp_dir dir;
		struct dp_flow *f;

		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		i = x % 200, op = (x >> 16) % 3;
		p = pkt(true, IPPROTO_UDP, (uint16_t)(1000 + i), 53, 0);
		f = dp_flow_get(&t, &p, 1, false, &created, &dir);
		assert_ptr_equal(f, held[i]);
		if (held[i] != NULL && op == 0) {
			dp_flow_end(&t, held[i]);
			held[i] = NULL, n_held--;
		} else if (held[i] == NULL && n_held < DP_FLOW_MIN_CAPACITY) {
			held[i] = dp_flow_get(&t, &p, 1, true, &created, &dir);
			assert_non_null(held[i]);
			assert_true(created);
			n_held++;
		}
		assert_int_equal(dp_flow_count(&t), n_held);
		for (uint32_t b = 0; b <= t.bucket_mask; b++)
			max_overflow = t.buckets[b].overflow > max_overflow ? t.buckets[b].overflow
									    : max_overflow;
		if (step % 100 == 0) {
			struct dp_flow_key keys[32];
			uint32_t hashes[32];
			int32_t pos[32];
			bool a;

			for (unsigned k = 0; k < 32; k++) {
				p = pkt(k % 2, IPPROTO_UDP, (uint16_t)(1000 + (i + 7 * k) % 200),
					53, 0);
				dp_flow_key_make(&p, &keys[k], &a);
				hashes[k] = dp_flow_key_hash(&t, &keys[k]);
			}
			dp_flow_lookup_burst(&t, hashes, 32, pos);
			for (unsigned k = 0; k < 32; k++) {
				p = pkt(k % 2, IPPROTO_UDP, (uint16_t)(1000 + (i + 7 * k) % 200),
					53, 0);
				dp_flow_key_make(&p, &keys[k], &a);
				f = dp_flow_get_at(&t, &p, &keys[k], hashes[k], a, pos[k], 1, false,
						   &created, &dir);
				assert_ptr_equal(f, held[(i + 7 * k) % 200]);
				if (f != NULL)
					assert_int_equal(dir, k % 2 ? DP_DIR_C2S : DP_DIR_S2C);
			}
		}
	}
	print_message("most keys past one bucket: %u\n", max_overflow);
	assert_true(max_overflow > 0);
	for (unsigned i = 0; i < 200; i++)
		if (held[i] != NULL)
			dp_flow_end(&t, held[i]);
	assert_int_equal(dp_flow_count(&t), 0);
	for (uint32_t b = 0; b <= t.bucket_mask; b++) {
		assert_int_equal(t.buckets[b].overflow, 0);
		for (unsigned w = 0; w < DP_FLOW_BUCKET_WAYS; w++)
			assert_int_equal(t.buckets[b].id[w], 0);
	}
	dp_flow_table_fini(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dp_flow_get_both_directions),
	    cmocka_unit_test(test_dp_flow_leaves_once),
	    cmocka_unit_test(test_dp_flow_index_model),
	};
	if (tb_eal_init())
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
