/* cases_demo.h — the demonstration data of residents' problems (see cases_demo.c). */
#ifndef GZ_CASES_DEMO_H
#define GZ_CASES_DEMO_H

#include "auth/auth.h"
#include "store/store.h"

/* Who enters and handles the demo cases: the cadres of the seed communities, 彭水's official and
 * a member of the department that answers its 大事. */
typedef struct {
	const gz_user *xinmin, *luotan, *wenmiao, *yaojiapu, *pengshui, *department;
	int64_t department_id;
} cases_demo_users;

/* Enter every demo case with its history; must run inside one write job. *created counts them. */
gz_err cases_demo_load(store *s, const cases_demo_users *u, int *created, gz_error *e);

#endif
