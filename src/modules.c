/* modules.c — the table of domain modules. */
#include "modules.h"

/* Each module defines its descriptor in its <module>_http.c. */
extern const gz_module system_module, places_module, auth_module, audit_module, registry_module;

const gz_module *const gz_modules[] = {
	&system_module,
	&places_module,
	&auth_module,
	&audit_module,
	&registry_module,
	NULL,
};

gz_err modules_migrate(store *s, gz_error *e)
{
	for (const gz_module *const *m = gz_modules; *m; m++) {
		gz_err rc = store_migrate(s, (*m)->name, (*m)->migrations, e);
		if (rc)
			return rc;
	}
	return GZ_OK;
}
