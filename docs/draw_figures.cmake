# Draws the guide's figures with telechat-lab, from live objects and a fresh
# measurement, so that the pictures and plots in the docs are the code's own:
#   cmake -DLAB=<telechat-lab> -DOUT=<folder> -P draw_figures.cmake
# Doxygen finds them there (IMAGE_PATH). It takes about a second.
file(MAKE_DIRECTORY "${OUT}")
function(draw)
    execute_process(COMMAND "${LAB}" ${ARGN} RESULT_VARIABLE status OUTPUT_QUIET)
    if(NOT status EQUAL 0)
        message(FATAL_ERROR "telechat-lab ${ARGN} failed: ${status}")
    endif()
endfunction()
draw(hash --buckets 65536 --load-factors 0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9 --svg "${OUT}")
foreach(picture IN ITEMS LinearProbing:linear RobinHood:robin_hood SeparateChaining:chaining)
    string(REPLACE ":" ";" picture "${picture}")
    list(GET picture 0 collision)
    list(GET picture 1 file)
    draw(picture hash --collision ${collision} --erase 19,88 --svg "${OUT}/hash_picture_${file}.svg")
endforeach()
# Two groups of 16, so that the picture shows where one group ends.
draw(picture hash --collision GroupProbing --buckets 32 --erase 19,88
     --svg "${OUT}/hash_picture_group_probing.svg")
