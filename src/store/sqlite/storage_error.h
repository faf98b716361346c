// The one error every unexpected database failure becomes (HTTP 500), logged where it happens.
#pragma once

#include <exception>
#include <string_view>

#include "core/result.h"

namespace mailmark::sqlite {

inline Error StorageError() {
  return MakeError(ErrorKind::kInternal, "storage_error",
                   "The database failed; nothing was changed. Try again later.");
}

// Logs `e` with what was being done; returns StorageError() for convenience.
Error LogStorageFailure(std::string_view doing, const std::exception& e);

}  // namespace mailmark::sqlite
