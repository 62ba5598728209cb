#pragma once
// Writes 2-D matrices as NumPy .npy files that numpy.load and NpyMatrixReader both read.
#include <Eigen/Core>
#include <string>

#include "core/io/npy_reader.h"

namespace codescope::io {

/// Writes a 2-D matrix as NPY version 1.0 (little-endian, C order unless fortranOrder), atomically. Throws InputError.
/// values: rows = samples, columns = features; stored as float32 or float64 per `dtype` (NaN/Inf are written as is).
/// The header is laid out byte for byte as numpy 1.24 writes it (64-byte aligned, with numpy's growth padding).
/// Throws InputError naming `path` if values has zero rows or columns (the reader refuses such files), if a
/// finite value overflows float32, or if the file cannot be written (missing folder, disk full, ...); the target
/// is left untouched then.
void writeNpy(const std::string& path, const Eigen::Ref<const Eigen::MatrixXd>& values, NpyDtype dtype,
              bool fortranOrder = false);

} // namespace codescope::io
