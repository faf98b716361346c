# The web UI (ui/, TypeScript + Vite) built into ${CMAKE_BINARY_DIR}/ui, which `mailmark serve`
# serves by default, and its tests: Vitest component tests and the browser tests in
# tests/ui-e2e (playwright-core driving Debian's Chromium against a real `mailmark serve`).
# scripts/npm-in.sh installs exactly what the committed lockfiles say, once per lockfile.
find_program(NPM_EXECUTABLE npm REQUIRED)

set(MM_NPM_IN ${PROJECT_SOURCE_DIR}/scripts/npm-in.sh)
set(MM_UI_SOURCE ${PROJECT_SOURCE_DIR}/ui)
set(MM_UI_OUT ${CMAKE_BINARY_DIR}/ui)
set(MM_UI_E2E ${PROJECT_SOURCE_DIR}/tests/ui-e2e)

file(GLOB_RECURSE MM_UI_INPUTS CONFIGURE_DEPENDS
  ${MM_UI_SOURCE}/src/* ${MM_UI_SOURCE}/public/* ${MM_UI_SOURCE}/index.html
  ${MM_UI_SOURCE}/vite.config.ts ${MM_UI_SOURCE}/tsconfig*.json
  ${MM_UI_SOURCE}/package.json ${MM_UI_SOURCE}/package-lock.json)
add_custom_command(
  OUTPUT ${MM_UI_OUT}/index.html
  COMMAND ${MM_NPM_IN} ${MM_UI_SOURCE}
          ${CMAKE_COMMAND} -E env MAILMARK_UI_OUT=${MM_UI_OUT} ${NPM_EXECUTABLE} run --silent build
  DEPENDS ${MM_UI_INPUTS}
  COMMENT "Building the web UI into ${MM_UI_OUT}"
  VERBATIM)
add_custom_command(
  OUTPUT ${CMAKE_BINARY_DIR}/ui-e2e-npm.stamp
  COMMAND ${MM_NPM_IN} ${MM_UI_E2E} ${CMAKE_COMMAND} -E touch ${CMAKE_BINARY_DIR}/ui-e2e-npm.stamp
  DEPENDS ${MM_UI_E2E}/package.json ${MM_UI_E2E}/package-lock.json
  COMMENT "Installing the browser tests' packages"
  VERBATIM)
add_custom_target(web_ui ALL DEPENDS ${MM_UI_OUT}/index.html ${CMAKE_BINARY_DIR}/ui-e2e-npm.stamp)

add_test(NAME ui_component_tests COMMAND ${MM_NPM_IN} ${MM_UI_SOURCE} ${NPM_EXECUTABLE} test)
add_test(NAME ui_browser_tests COMMAND ${MM_NPM_IN} ${MM_UI_E2E} ${NPM_EXECUTABLE} test)
set_tests_properties(ui_component_tests PROPERTIES TIMEOUT 600)
set_tests_properties(ui_browser_tests PROPERTIES
  TIMEOUT 900
  ENVIRONMENT "MAILMARK_BIN=$<TARGET_FILE:mailmark>;MAILMARK_UI_DIR=${MM_UI_OUT};MAILMARK_SCREENSHOT_DIR=${CMAKE_BINARY_DIR}/screenshots")
