// Reading an input file whole, but never more than a limit: an image, `--input` or a schedule can be a
// device that never ends (/dev/zero) or a file far larger than anything chemu could use, and reading
// it whole would take the host's memory first.
#pragma once
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

namespace chemu {

struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The bytes of `path`, or nothing when it holds more than `limit` bytes (a regular file is judged by
// its size, unread; anything else is read up to limit + 1 bytes). Throws InputError ("cannot open
// WHAT 'PATH': reason", "cannot read ...") when it cannot be read; `what` names the file ("image").
std::optional<std::string> read_bounded(const std::string& path, uint64_t limit, const std::string& what);
// The same for standard input.
std::optional<std::string> read_bounded_stdin(uint64_t limit, const std::string& what);

}  // namespace chemu
