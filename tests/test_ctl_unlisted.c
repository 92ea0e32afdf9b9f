/* SPDX-License-Identifier: BSD-3-Clause */
/* The unlisted-names table: exact counts while names fit, the least seen
 * replaced (counting from its count) when full, top names by count. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ctl_unlisted.h"

static struct dp_name_event
ev(uint8_t vendor, const char *name)
{
	struct dp_name_event e = {.vendor = vendor, .len = (uint8_t)strlen(name)};

	memcpy(e.name, name, e.len);
	return e;
}

static void
test_ctl_unlisted_counts(void **state)
{
	/* Sessions, in order, into a table of three names. */
	static const struct {
		uint8_t vendor;
		const char *name;
	} seen[] = {
	    {0, "a.example"}, {0, "A.Example"}, {0, "b.example"}, {1, "a.example"},
	    {0, "a.example"}, {0, "b.example"}, {0, "c.example"}, /* full: takes the least seen's
								     place (vendor 1's, 1) */
	};
	static const struct {
		uint8_t vendor;
		const char *name;
		uint64_t count, error;
	} want[] = {
	    {0, "a.example", 3, 0},
	    {0, "b.example", 2, 0},
	    {0, "c.example", 2, 1},
	};
	const struct ctl_unlisted_entry *top[4];
	struct ctl_unlisted u;
	struct dp_name_event e;

	(void)state;
	assert_int_equal(ctl_unlisted_init(&u, 3), 0);
	for (size_t i = 0; i < sizeof(seen) / sizeof(seen[0]); i++) {
		e = ev(seen[i].vendor, seen[i].name);
		ctl_unlisted_add(&u, &e);
	}
	assert_int_equal(u.replaced, 1);
	assert_int_equal(ctl_unlisted_top(&u, 1, top, 4), 0);
	assert_int_equal(ctl_unlisted_top(&u, 0, top, 4), 3);
	for (unsigned i = 0; i < 3; i++) {
		assert_string_equal(top[i]->name, want[i].name);
		assert_int_equal(top[i]->count, want[i].count);
		assert_int_equal(top[i]->error, want[i].error);
	}
	assert_int_equal(ctl_unlisted_top(&u, 0, top, 1), 1);
	assert_string_equal(top[0]->name, "a.example");
	/* From a state file: merged into its name; a new one only with room. */
	e = ev(0, "b.example");
	ctl_unlisted_restore(&u, &e, 5, 0);
	e = ev(0, "d.example");
	ctl_unlisted_restore(&u, &e, 9, 0);
	assert_int_equal(ctl_unlisted_top(&u, 0, top, 4), 3);
	assert_string_equal(top[0]->name, "b.example");
	assert_int_equal(top[0]->count, 7);
	ctl_unlisted_fini(&u);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ctl_unlisted_counts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
