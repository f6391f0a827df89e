# telechat_allocation_counter: the one replacement of the global operator new
# and delete (allocation_counter.hpp says what it counts). Linking it into an
# executable replaces operator new there; tests and benchmarks both include
# this file, so the target exists whichever of them is configured.
if(NOT TARGET telechat_allocation_counter)
    # An object library: its object file is always linked in, where a static
    # library's would be dropped if nothing named its symbols.
    add_library(telechat_allocation_counter OBJECT ${CMAKE_CURRENT_LIST_DIR}/allocation_counter.cpp)
    target_include_directories(telechat_allocation_counter PUBLIC ${CMAKE_CURRENT_LIST_DIR})
    target_compile_features(telechat_allocation_counter PUBLIC cxx_std_20)
    target_link_libraries(telechat_allocation_counter PRIVATE telechat_warnings)
endif()
