/* testkit.c — see testkit.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "modules.h"
#include "testkit.h"

char *tk_tmpdir(void)
{
	char *d = strdup("/tmp/gz-unit-XXXXXX");
	assert_non_null(mkdtemp(d));
	return d;
}

void tk_rmdir(char *dir)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(dir);
}

store *tk_store(const char *dir)
{
	char path[512];
	snprintf(path, sizeof path, "%s/gongzhi.db", dir);
	store *s = NULL;
	gz_error e = {0};
	gz_log_set_level(GZ_LOG_ERROR);
	assert_int_equal(store_open(&s, path, &e), GZ_OK);
	assert_int_equal(modules_migrate(s, &e), GZ_OK);
	return s;
}

const char *tk_fixture_places(void)
{
	return "tests/fixtures/places";
}
