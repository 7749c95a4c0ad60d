/* auth_http.c — sign-in, sign-out and "who am I" over HTTP; the auth module's migrations. */
#include <stdio.h>
#include <string.h>

#include "auth/auth.h"
#include "core/util.h"
#include "modules.h"
#include "places/places.h"


static json_t *user_json(http_req *r, const gz_user *u)
{
	const char *scope_name = "全国";
	place p;
	if (*u->scope && places_get(r->store, u->scope, &p, NULL) == GZ_OK)
		scope_name = arena_strdup(r->a, p.name);
	else if (*u->scope)
		scope_name = u->scope;
	return json_pack("{sI ss ss ss ss ss}", "id", (json_int_t)u->id, "username", u->username, "display_name",
			 u->display_name, "role", auth_role_word(u->role), "scope", u->scope, "scope_name", scope_name);
}

static const http_field login_fields[] = {
	{"username", JSON_STRING, true, AUTH_NAME_MAX},
	{"password", JSON_STRING, true, 128},
	{NULL},
};

/* POST /api/v1/auth/login */
static gz_err auth_login_route(http_req *r)
{
	gz_err rc = http_body_check(r, login_fields);
	if (rc)
		return rc;
	auth_session ses;
	int retry = 0;
	rc = auth_login(r->store, http_body_str(r, "username"), http_body_str(r, "password"), http_client(r),
			r->cfg->session_ttl, &ses, &retry, &r->err);
	if (rc == GZ_E_TOO_MANY)
		http_add_header(r, "Retry-After", arena_printf(r->a, "%d", retry));
	if (rc)
		return rc;
	long ttl = r->cfg->session_ttl;
	http_add_header(r, "Set-Cookie",
			arena_printf(r->a, "gz_session=%s; Path=/; Max-Age=%ld; HttpOnly; SameSite=Strict", ses.token, ttl));
	http_add_header(r, "Set-Cookie", arena_printf(r->a, "gz_csrf=%s; Path=/; Max-Age=%ld; SameSite=Strict", ses.csrf, ttl));
	char exp[40];
	gz_time_rfc3339(ses.expires_at, exp, sizeof exp);
	r->reply = json_pack("{ss ss ss so}", "token", ses.token, "csrf_token", ses.csrf, "expires_at", exp, "user",
			     user_json(r, &ses.user));
	return GZ_OK;
}

/* POST /api/v1/auth/logout */
static gz_err auth_logout_route(http_req *r)
{
	gz_err rc = auth_logout(r->store, r->token, &r->err);
	if (rc)
		return rc;
	r->audit_subject = arena_printf(r->a, "user:%lld", (long long)r->user->id);
	r->audit_place = r->user->scope;
	http_add_header(r, "Set-Cookie", "gz_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
	http_add_header(r, "Set-Cookie", "gz_csrf=; Path=/; Max-Age=0; SameSite=Strict");
	r->reply = json_pack("{ss}", "status", "signed_out");
	return GZ_OK;
}

/* GET /api/v1/auth/me */
static gz_err auth_me_route(http_req *r)
{
	char exp[40];
	gz_time_rfc3339(r->user->session_expires, exp, sizeof exp);
	r->reply = json_pack("{so ss}", "user", user_json(r, r->user), "expires_at", exp);
	return GZ_OK;
}

static const http_route auth_routes[] = {
	{HTTP_POST, "/api/v1/auth/login", auth_login_route, HF_PUBLIC | HF_JSON_BODY, 0, 4096, NULL},
	{HTTP_POST, "/api/v1/auth/logout", auth_logout_route, HF_WRITE, 0, 4096, "auth.logout"},
	{HTTP_GET, "/api/v1/auth/me", auth_me_route, 0, 0, 0, NULL},
	{0},
};

const gz_module auth_module = {"auth", auth_migrations, auth_routes, NULL};
