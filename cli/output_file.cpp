#include "output_file.h"

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace chemu::cli {

void OutputFile::Closer::operator()(std::FILE* f) const {
  if (f != stdout) std::fclose(f);
}

OutputFile::OutputFile(std::string option, std::string path) : option_(std::move(option)), path_(std::move(path)) {
  if (path_.empty()) return;
  f_.reset(path_ == "-" ? stdout : std::fopen(path_.c_str(), "wb"));
  if (!f_) fail();
}

void OutputFile::fail() const { throw OutputError(fmt::format("cannot write {}: {}", name(), std::strerror(errno))); }

void OutputFile::write(std::string_view bytes) {
  if (std::fwrite(bytes.data(), 1, bytes.size(), f_.get()) != bytes.size()) fail();
}

void OutputFile::close() {
  std::FILE* f = f_.release();
  if (!f) return;
  const bool failed = std::ferror(f) != 0;
  if ((f == stdout ? std::fflush(f) : std::fclose(f)) != 0 || failed) fail();
}

}  // namespace chemu::cli
