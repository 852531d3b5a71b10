/* SPDX-License-Identifier: MIT */
/*
 * The unit-test runner: every suite in one SRunner.  Verbosity comes from
 * CK_VERBOSITY (tests/run-all.sh sets "normal" and reads the summary
 * line); CK_RUN_SUITE and CK_RUN_CASE select suites and cases.
 */
#include <stdlib.h>

#include "suites.h"

int main(void)
{
	Suite *(*const suites[])(void) = {
		endian_suite,
		err_suite,
		img_suite,
		infotree_suite,
		io_suite,
		json_suite,
		luks_suite,
		opts_suite,
		qcow2_header_suite,
		qcow2_refcount_suite,
		qcow2_tables_suite,
		qed_suite,
		read_suite,
		size_suite,
		tables_suite,
	};
	size_t n = sizeof(suites) / sizeof(suites[0]);
	SRunner *sr;
	int failed;

	sr = srunner_create(suites[0]());
	for (size_t i = 1; i < n; i++)
		srunner_add_suite(sr, suites[i]());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
