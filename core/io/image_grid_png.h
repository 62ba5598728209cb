#pragma once
// A gallery of signed images (eigenfilters) as one PNG, for a quick look and for papers; the GUI draws its own.
#include <Eigen/Core>
#include <cstdint>
#include <string>

namespace codescope::io {

/// Writes `images` (N x channels*height*width, row k one image in C x H x W order, any real values) as a PNG grid of
/// `columns` tiles, each scaled up by an integer factor to at least 64 pixels and separated by 2 white pixels.
/// Each tile is scaled on its own, symmetrically: 0 is mid-grey, +max|value| white (or full colour), -max black, so
/// a filter's sign pattern reads directly. channels must be 1 or 3. Written atomically (temporary file, rename).
/// Throws InputError naming `path` for bad shapes, NaN/Inf or a write failure.
void writeImageGridPng(const std::string& path, const Eigen::Ref<const Eigen::MatrixXd>& images, std::int64_t channels,
                       std::int64_t height, std::int64_t width, int columns = 8);

} // namespace codescope::io
