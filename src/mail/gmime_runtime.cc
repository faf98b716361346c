#include "mail/gmime_runtime.h"

#include <mutex>

#include <gmime/gmime.h>

namespace mailmark {

void EnsureGMimeInitialized() {
  // Never paired with g_mime_shutdown: other threads may still be building messages while
  // the process exits, and the OS reclaims everything anyway.
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

}  // namespace mailmark
