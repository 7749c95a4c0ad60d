/* board_demo.h — the demonstration data of the public board (see board_demo.c). */
#ifndef GZ_BOARD_DEMO_H
#define GZ_BOARD_DEMO_H

#include "auth/auth.h"
#include "store/store.h"

/* Publish 姚家铺村's demo entries and one completed 四议两公开, and answer on the board the
 * questions of its 村情发布会 (the cases demo's briefing cases) that were not answered on the
 * spot. cadre: 姚家铺村's committee; supervisor: its supervision committee. Must run inside one
 * write job, after the cases demo. *published counts the entries. */
gz_err board_demo_load(store *s, const gz_user *cadre, const gz_user *supervisor, int *published, gz_error *e);

#endif
