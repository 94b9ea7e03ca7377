# Read by scripts/lint only (CMAKE_PROJECT_INCLUDE of its configure-only unity tree), whose
# clang-tidy runs on the generated unity files. bugprone-suspicious-include would report every
# generated `#include "/…/x.cpp"`, so each of those lines, and nothing else, is preceded by a
# NOLINTNEXTLINE for that check: an #include of a .cpp written in a source is still reported.
function(pim_lint_mark_unity_includes dir)
  get_property(_targets DIRECTORY "${dir}" PROPERTY BUILDSYSTEM_TARGETS)
  foreach(_target IN LISTS _targets)
    get_target_property(_type ${_target} TYPE)
    if(NOT _type STREQUAL "INTERFACE_LIBRARY")
      set_property(TARGET ${_target} PROPERTY UNITY_BUILD_CODE_BEFORE_INCLUDE
                                              "// NOLINTNEXTLINE(bugprone-suspicious-include)")
    endif()
  endforeach()
  get_property(_subdirs DIRECTORY "${dir}" PROPERTY SUBDIRECTORIES)
  foreach(_subdir IN LISTS _subdirs)
    pim_lint_mark_unity_includes("${_subdir}")
  endforeach()
endfunction()

cmake_language(DEFER DIRECTORY "${CMAKE_SOURCE_DIR}" CALL pim_lint_mark_unity_includes
               "${CMAKE_SOURCE_DIR}")
