// RAII owners for GLib/GMime objects, so every early return still drops its reference.
#pragma once

#include <memory>

#include <gmime/gmime.h>

namespace mailmark {

struct GObjectUnref {
  void operator()(gpointer object) const {
    if (object != nullptr) g_object_unref(object);
  }
};
// Owns one reference of a GObject (GMimeMessage, GMimeStream, InternetAddress, ...).
template <typename T>
using GObjectPtr = std::unique_ptr<T, GObjectUnref>;

struct GFree {
  void operator()(gpointer memory) const { g_free(memory); }
};
// Owns a string GLib/GMime allocated with g_malloc.
using GCharPtr = std::unique_ptr<char, GFree>;

struct GMimeFormatOptionsFree {
  void operator()(GMimeFormatOptions* options) const {
    if (options != nullptr) g_mime_format_options_free(options);
  }
};
using FormatOptionsPtr = std::unique_ptr<GMimeFormatOptions, GMimeFormatOptionsFree>;

struct GMimeParserOptionsFree {
  void operator()(GMimeParserOptions* options) const {
    if (options != nullptr) g_mime_parser_options_free(options);
  }
};
using ParserOptionsPtr = std::unique_ptr<GMimeParserOptions, GMimeParserOptionsFree>;

}  // namespace mailmark
