// The translation unit that builds the test binaries' shared precompiled header
// (tests/CMakeLists.txt: pim_test_pch). Nothing else.
