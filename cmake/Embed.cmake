# hfsim_embed_file(INPUT SYMBOL OUTPUT): writes OUTPUT, a C file defining
#   const char SYMBOL[];   (the bytes of INPUT, NUL-terminated)
# regenerated whenever INPUT changes.
function(hfsim_embed_file input symbol output)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${input})
  file(READ ${input} hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  file(WRITE ${output}.tmp
       "/* Generated from ${symbol}'s source by cmake/Embed.cmake; do not edit. */\n"
       "extern const char ${symbol}[];\n"
       "const char ${symbol}[] = {${bytes} 0x00};\n")
  file(COPY_FILE ${output}.tmp ${output} ONLY_IF_DIFFERENT)
endfunction()
