#include "machine/bounded_read.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace chemu {

namespace {

std::optional<std::string> read_fd(int fd, uint64_t limit, const std::string& what, const std::string& path) {
  struct stat st {};
  const bool regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  if (regular && uint64_t(st.st_size) > limit) return std::nullopt;
  std::string bytes;
  if (regular) bytes.reserve(size_t(st.st_size));
  char chunk[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw InputError(fmt::format("cannot read {} '{}': {}", what, path, std::strerror(errno)));
    if (n == 0) return bytes;
    bytes.append(chunk, size_t(n));
    if (bytes.size() > limit) return std::nullopt;
  }
}

}  // namespace

std::optional<std::string> read_bounded(const std::string& path, uint64_t limit, const std::string& what) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw InputError(fmt::format("cannot open {} '{}': {}", what, path, std::strerror(errno)));
  try {
    std::optional<std::string> bytes = read_fd(fd, limit, what, path);
    ::close(fd);
    return bytes;
  } catch (...) {
    ::close(fd);
    throw;
  }
}

std::optional<std::string> read_bounded_stdin(uint64_t limit, const std::string& what) {
  return read_fd(STDIN_FILENO, limit, what, "-");
}

}  // namespace chemu
