# Fails if a guide page carries a C++ block of its own instead of a \snippet
# from docs/examples/, whose programs CI builds and runs (tests/consumer), so
# that no guide page shows code that does not compile. Run as `cmake -P` by
# ctest with -DDOCS=<docs folder>.
cmake_minimum_required(VERSION 3.25)

file(GLOB pages "${DOCS}/*.md")
set(offending "")
foreach(page IN LISTS pages)
    get_filename_component(name "${page}" NAME)
    file(STRINGS "${page}" lines)
    set(number 0)
    foreach(line IN LISTS lines)
        math(EXPR number "${number} + 1")
        if(line MATCHES "^[ \t]*(```|~~~)[ \t]*(cpp|c\\+\\+|cxx|C\\+\\+)" OR line MATCHES "[\\\\@]code")
            list(APPEND offending "${name}:${number}")
        endif()
    endforeach()
endforeach()
if(offending)
    message(FATAL_ERROR "C++ written into a guide page instead of a \\snippet from "
                        "docs/examples/: ${offending}")
endif()
