#pragma once
// What activation capture runs a model over, whatever it is: preprocessed images (one sample per image) or token
// sequences (one sample per token position, paper Fig. 7).
#include <ATen/core/Tensor.h>
#include <cstdint>
#include <memory>
#include <string>

#include "core/data/image_dataset.h"
#include "core/data/image_preprocessing.h"
#include "core/data/token_dataset.h"

namespace codescope::capture {

/// Batches of ready-to-run model input. A model's captured outputs hold samplesPerInput() rows per input
/// (CapturableModel::capture flattens an image model's output to one row per image and a token model's to one row
/// per token position).
class InputSource {
public:
    virtual ~InputSource() = default;
    /// Number of inputs: images or sequences.
    virtual std::int64_t size() const = 0;
    /// Activation rows each input yields: 1 for an image, the context length for a token sequence.
    virtual std::int64_t samplesPerInput() const = 0;
    /// For messages: the data set's file.
    virtual std::string name() const = 0;
    /// Inputs [first, first + count) as the model takes them: float N x C x H x W images, or int64 N x T token ids.
    /// The tensor owns its memory. Thread-safe (the next batch is read while the model runs on the current one).
    /// Throws InputError (bad file contents) and std::out_of_range (bad range).
    virtual at::Tensor batch(std::int64_t first, std::int64_t count) const = 0;
};

/// Images of `dataset`, preprocessed to the model's input. Both are borrowed: they must outlive the source.
std::unique_ptr<InputSource> imageInputs(const data::ImageDataset& dataset, const data::Preprocessing& preprocessing);

/// Token sequences (borrowed: they must outlive the source).
std::unique_ptr<InputSource> tokenInputs(const data::TokenSequences& sequences);

} // namespace codescope::capture
