// One-time GMime library initialisation.
#pragma once

namespace mailmark {

// Initialises GMime exactly once per process; safe to call from any thread, any number of
// times. Every function in this module that touches GMime calls it first.
void EnsureGMimeInitialized();

}  // namespace mailmark
