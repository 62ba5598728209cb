#include "core/capture/input_source.h"

#include <ATen/ATen.h>
#include <memory>
#include <stdexcept>

#include "core/data/image_preprocessing.h"

namespace codescope::capture {

namespace {

class ImageInputs : public InputSource {
public:
    ImageInputs(const data::ImageDataset& dataset, const data::Preprocessing& preprocessing)
        : m_dataset(dataset), m_preprocessing(preprocessing) {}

    std::int64_t size() const override { return m_dataset.size(); }
    std::int64_t samplesPerInput() const override { return 1; }
    std::string name() const override { return m_dataset.name(); }
    at::Tensor batch(std::int64_t first, std::int64_t count) const override {
        // The tensor takes the preprocessed pixels over instead of copying them: a batch is read once per pass.
        auto images =
            std::make_shared<data::ImageBatch>(data::preprocess(m_dataset.read(first, count), m_preprocessing));
        return at::from_blob(
            images->pixels.data(), {images->count, images->channels, images->height, images->width},
            [images](void*) mutable { images.reset(); }, at::TensorOptions().dtype(at::kFloat));
    }

private:
    const data::ImageDataset& m_dataset;
    const data::Preprocessing& m_preprocessing;
};

class TokenInputs : public InputSource {
public:
    explicit TokenInputs(const data::TokenSequences& sequences) : m_sequences(sequences) {}

    std::int64_t size() const override { return m_sequences.count(); }
    std::int64_t samplesPerInput() const override { return m_sequences.contextLength; }
    std::string name() const override { return m_sequences.name; }
    at::Tensor batch(std::int64_t first, std::int64_t count) const override {
        if (first < 0 || count < 0 || first + count > size())
            throw std::out_of_range(name() + ": sequences " + std::to_string(first) + ".." +
                                    std::to_string(first + count) + " out of " + std::to_string(size()));
        const std::int64_t length = m_sequences.contextLength;
        return at::from_blob(const_cast<std::int64_t*>(m_sequences.ids.data() + first * length), {count, length},
                             at::kLong)
            .clone();
    }

private:
    const data::TokenSequences& m_sequences;
};

} // namespace

std::unique_ptr<InputSource> imageInputs(const data::ImageDataset& dataset, const data::Preprocessing& preprocessing) {
    data::checkChannelsConvertible(dataset.name(), dataset.channels(), preprocessing.channels);
    return std::make_unique<ImageInputs>(dataset, preprocessing);
}

std::unique_ptr<InputSource> tokenInputs(const data::TokenSequences& sequences) {
    return std::make_unique<TokenInputs>(sequences);
}

} // namespace codescope::capture
