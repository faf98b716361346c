// The key that seals the database's secrets, kept in a file beside the database (never in
// it), and the owner-only permissions of everything in the data folder.
#pragma once

#include <filesystem>

#include "core/result.h"
#include "core/secret_box.h"

namespace mailmark {

struct SecretKeyFile {
  std::filesystem::path path;
  SecretBox key;
  bool created = false;  // made just now: nothing was sealed with it before
};

// Reads the key file (64 hex digits, or 32 raw bytes), or creates it with a new random key
// (0600, O_EXCL: of two processes starting at once, one writes it and both read it). 422
// invalid_secret_key, naming the file, when it holds anything else or cannot be read.
Result<SecretKeyFile> LoadOrCreateSecretKey(const std::filesystem::path& path);

// Creates `dir` (and its parents) when missing and leaves it 0700: an existing folder that
// group or others may enter is tightened. 500 data_dir_unusable when it cannot be created.
Status MakePrivateDir(const std::filesystem::path& dir);

// Writes `content` to a new file only its owner can read (an older file of that name is
// replaced), flushed to disk.
Status WritePrivateFile(const std::filesystem::path& path, std::string_view content);

}  // namespace mailmark
