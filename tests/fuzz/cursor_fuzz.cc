// List cursors (GET /api/sequences/{id}/enrollments?cursor=…): opaque to clients, so anything
// may come back. Only what EncodeCursor made decodes, and it decodes to what was encoded.
//
// Input: the cursor text; its first 16 bytes also give a position to round-trip.
#include <cstring>

#include "fuzz_support.h"
#include "store/sqlite/codec.h"

using namespace mailmark;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view cursor = fuzz::AsText(data, size);
  if (auto pos = sqlite::DecodeCursor(cursor)) {
    FUZZ_CHECK(sqlite::EncodeCursor(*pos) == cursor);
  }

  sqlite::ListPosition pos;
  if (size >= 16) {
    std::memcpy(&pos.created_at, data, 8);
    std::memcpy(&pos.pk, data + 8, 8);
  }
  std::string encoded = sqlite::EncodeCursor(pos);
  auto back = sqlite::DecodeCursor(encoded);
  FUZZ_CHECK(back && back->created_at == pos.created_at && back->pk == pos.pk);
  return 0;
}
