// Test fixture: a shared object that is no racedemo plugin (no racedemo_plugin_api_version).
extern "C" int racedemo_test_not_a_plugin() {
    return 42;
}
