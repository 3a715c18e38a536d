"""Every state-changing endpoint carries a permission guard (CKAN's auth-function rule)."""

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


def test_every_state_changing_endpoint_is_guarded(app):
    unguarded = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.methods & STATE_CHANGING
        and not getattr(app.view_functions[rule.endpoint], "guard", None)
    ]
    assert unguarded == []


def test_the_guard_walk_sees_the_known_forms(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()
                 if rule.methods & STATE_CHANGING}
    assert {"auth.login", "auth.logout", "admin.new_user", "admin.edit_user"} <= endpoints
