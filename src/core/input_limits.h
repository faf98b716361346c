// Every size limit on what users put in (steps, merge fields, CSV files) and on what the
// renderer may make of it, in one place so the API, the CSV reader, the renderer and the docs
// (docs/api.md "Limits") agree. They exist so that no input can make the server allocate
// without bound or turn one contact into a message no mail server would take: one user's data
// must never stall delivery for everyone else.
#pragma once

#include <cstddef>

namespace mailmark {

inline constexpr std::size_t kKiB = 1024;
inline constexpr std::size_t kMiB = 1024 * kKiB;

// ---- a sequence's steps ----
inline constexpr std::size_t kMaxSteps = 100;
// RFC 5322's line length: a subject template is one header line before any merge.
inline constexpr std::size_t kMaxStepSubjectBytes = 998;
inline constexpr std::size_t kMaxStepHtmlBytes = 256 * kKiB;
inline constexpr std::size_t kMaxStepTextBytes = 256 * kKiB;

// ---- one contact's merge fields ----
inline constexpr std::size_t kMaxMergeFields = 100;
inline constexpr std::size_t kMaxMergeKeyBytes = 200;
inline constexpr std::size_t kMaxMergeValueBytes = 8 * kKiB;
// Keys and values together: what one contact may store, the same as a CSV row may carry.
inline constexpr std::size_t kMaxMergeFieldsBytes = 64 * kKiB;

// ---- CSV import ----
// A field at most one merge value (raw bytes, before trimming); a row at most one contact's
// merge fields plus its address, quotes and commas included.
inline constexpr std::size_t kMaxCsvFieldBytes = kMaxMergeValueBytes;
inline constexpr std::size_t kMaxCsvRowBytes = 64 * kKiB;
// Past this many fields a row stops being read (it is a row error anyway: the header allows
// at most kMaxMergeFields + 1 columns).
inline constexpr std::size_t kMaxCsvFields = 1000;

// ---- what the renderer and the message builder may produce for one contact ----
// A subject after merging: the template plus one full merge value, with room to spare.
inline constexpr std::size_t kMaxRenderedSubjectBytes = 16 * kKiB;
// The html and text bodies together after merging.
inline constexpr std::size_t kMaxRenderedBytes = 2 * kMiB;
// The whole message as handed to a transport, MIME encoding included (base64 and
// quoted-printable grow the bodies; a text part derived from the html adds to them).
inline constexpr std::size_t kMaxMessageBytes = 10 * kMiB;

}  // namespace mailmark
