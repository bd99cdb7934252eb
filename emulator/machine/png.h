// Writing an RGB image as a PNG file (libpng): what `chemu --screenshot` saves of the framebuffer.
// The file is a function of the pixels only (no time stamp or other chunk that changes between runs).
#pragma once
#include <string>

#include "dev/framebuffer.h"

namespace chemu {

// Writes `image` (8-bit RGB, no alpha) to `path`. Returns an empty string on success, else what failed.
std::string write_png(const std::string& path, const RgbImage& image);

}  // namespace chemu
