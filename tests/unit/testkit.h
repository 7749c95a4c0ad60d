/* testkit.h — helpers shared by the unit tests: temporary data directories and a store with
 * every module's schema applied. Tests include this after cmocka's headers. */
#ifndef GZ_TESTKIT_H
#define GZ_TESTKIT_H

#include "store/store.h"

/* A fresh temporary directory (mkdtemp); the caller removes it with tk_rmdir. */
char *tk_tmpdir(void);
void tk_rmdir(char *dir);
/* A store in dir/gongzhi.db with every module's migrations applied; asserts on failure. */
store *tk_store(const char *dir);
/* Path of the small places fixture (tests/fixtures/places). */
const char *tk_fixture_places(void);

#endif
