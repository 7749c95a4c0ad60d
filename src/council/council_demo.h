/* council_demo.h — the demonstration meetings `gongzhi demo` loads (see council_demo.c). */
#ifndef GZ_COUNCIL_DEMO_H
#define GZ_COUNCIL_DEMO_H

#include "auth/auth.h"
#include "store/store.h"

/* Enter the demo meetings, after the demo cases (their agenda puts those cases on it); must run
 * inside one write job. luotan and xinmin are the communities' cadre accounts. *created counts
 * the meetings. */
gz_err council_demo_load(store *s, const gz_user *luotan, const gz_user *xinmin, int *created, gz_error *e);

#endif
