// dlib behind glare_face.h. Every entry point catches everything dlib can throw.
#include "glare_face.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <vector>

#include <dlib/image_processing.h>
#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/image_transforms.h>

namespace glare {

/// A grayscale buffer owned by the caller, presented to dlib through its generic image interface so that
/// the detector and the shape predictor read it in place.
struct GrayView {
    const unsigned char *data = nullptr;
    long rows = 0;
    long columns = 0;
    long stride = 0;
};

inline long num_rows(const GrayView &view) { return view.rows; }
inline long num_columns(const GrayView &view) { return view.columns; }
inline long width_step(const GrayView &view) { return view.stride; }
inline const void *image_data(const GrayView &view) { return view.data; }
inline void *image_data(GrayView &view) { return const_cast<unsigned char *>(view.data); }

}  // namespace glare

namespace dlib {
template <> struct image_traits<glare::GrayView> {
    typedef unsigned char pixel_type;
};
}  // namespace dlib

struct glare_face_detector {
    dlib::frontal_face_detector detector;
    std::shared_ptr<const dlib::shape_predictor> predictor;
};

namespace {

void copy_message(char *buffer, size_t capacity, const std::string &text) {
    if (buffer == nullptr || capacity == 0) return;
    std::snprintf(buffer, capacity, "%s", text.c_str());
}

std::mutex models_mutex;

/// The detector as dlib ships it, built once; each glare detector copies it (detection is not const).
const dlib::frontal_face_detector &prototype_detector() {
    static const dlib::frontal_face_detector detector = dlib::get_frontal_face_detector();
    return detector;
}

/// Shape predictors by path, loaded once per process.
std::map<std::string, std::shared_ptr<const dlib::shape_predictor>> &loaded_predictors() {
    static std::map<std::string, std::shared_ptr<const dlib::shape_predictor>> predictors;
    return predictors;
}

glare::GrayView make_view(const uint8_t *pixels, int32_t width, int32_t height, int32_t row_stride) {
    glare::GrayView view;
    view.data = pixels;
    view.rows = height;
    view.columns = width;
    view.stride = row_stride;
    return view;
}

bool valid_image(const uint8_t *pixels, int32_t width, int32_t height, int32_t row_stride) {
    return pixels != nullptr && width > 0 && height > 0 && row_stride >= width;
}

/// Runs an entry point's body and turns anything it throws into a status and a message, so that no
/// exception crosses the C boundary.
template <typename Body>
glare_face_status guarded(char *message, size_t message_capacity, Body body) {
    try {
        return body();
    } catch (const std::bad_alloc &) {
        return GLARE_FACE_OUT_OF_MEMORY;
    } catch (const std::exception &error) {
        copy_message(message, message_capacity, error.what());
        return GLARE_FACE_INTERNAL;
    } catch (...) {
        copy_message(message, message_capacity, "unknown exception");
        return GLARE_FACE_INTERNAL;
    }
}

}  // namespace

extern "C" glare_face_status glare_face_detector_create(const char *predictor_path, glare_face_detector **detector,
                                                        char *message, size_t message_capacity) {
    if (predictor_path == nullptr || detector == nullptr) return GLARE_FACE_INVALID_ARGUMENT;
    *detector = nullptr;
    return guarded(message, message_capacity, [&] {
        std::lock_guard<std::mutex> lock(models_mutex);
        auto &predictors = loaded_predictors();
        auto found = predictors.find(predictor_path);
        std::shared_ptr<const dlib::shape_predictor> predictor;
        if (found != predictors.end()) {
            predictor = found->second;
        } else {
            std::FILE *file = std::fopen(predictor_path, "rb");
            if (file == nullptr) {
                copy_message(message, message_capacity, std::string("cannot open ") + predictor_path);
                return GLARE_FACE_PREDICTOR_MISSING;
            }
            std::fclose(file);
            auto loaded = std::make_shared<dlib::shape_predictor>();
            try {
                dlib::deserialize(predictor_path) >> *loaded;
            } catch (const std::exception &error) {
                copy_message(message, message_capacity, error.what());
                return GLARE_FACE_PREDICTOR_INVALID;
            }
            if (loaded->num_parts() != GLARE_FACE_POINT_COUNT) {
                copy_message(message, message_capacity,
                             "the shape predictor places " + std::to_string(loaded->num_parts()) +
                                 " points, not 68");
                return GLARE_FACE_PREDICTOR_INVALID;
            }
            predictor = loaded;
            predictors[predictor_path] = predictor;
        }
        *detector = new glare_face_detector{prototype_detector(), predictor};
        return GLARE_FACE_OK;
    });
}

extern "C" void glare_face_detector_destroy(glare_face_detector *detector) { delete detector; }

extern "C" glare_face_status glare_face_detect(glare_face_detector *detector, const uint8_t *pixels, int32_t width,
                                               int32_t height, int32_t row_stride, int32_t upsample,
                                               double adjust_threshold, glare_face_box *boxes, int32_t capacity,
                                               int32_t *count, char *message, size_t message_capacity) {
    if (detector == nullptr || !valid_image(pixels, width, height, row_stride) || upsample < 0 || upsample > 4 ||
        count == nullptr || capacity < 0 || (capacity > 0 && boxes == nullptr)) {
        return GLARE_FACE_INVALID_ARGUMENT;
    }
    *count = 0;
    return guarded(message, message_capacity, [&] {
        const glare::GrayView view = make_view(pixels, width, height, row_stride);
        std::vector<dlib::rect_detection> detections;
        dlib::pyramid_down<2> pyramid;
        if (upsample == 0) {
            detector->detector(view, detections, adjust_threshold);
        } else {
            dlib::array2d<unsigned char> enlarged;
            dlib::pyramid_up(view, enlarged, pyramid);
            for (int32_t level = 1; level < upsample; level++) dlib::pyramid_up(enlarged, pyramid);
            detector->detector(enlarged, detections, adjust_threshold);
        }
        std::sort(detections.begin(), detections.end(),
                  [](const dlib::rect_detection &a, const dlib::rect_detection &b) {
                      return a.detection_confidence > b.detection_confidence;
                  });

        *count = static_cast<int32_t>(detections.size());
        const size_t written = std::min(detections.size(), static_cast<size_t>(capacity));
        for (size_t index = 0; index < written; index++) {
            const dlib::drectangle box = pyramid.rect_down(dlib::drectangle(detections[index].rect), upsample);
            boxes[index].left = box.left();
            boxes[index].top = box.top();
            boxes[index].width = box.width();
            boxes[index].height = box.height();
            boxes[index].score = detections[index].detection_confidence;
        }
        return GLARE_FACE_OK;
    });
}

extern "C" glare_face_status glare_face_predict(const glare_face_detector *detector, const uint8_t *pixels,
                                                int32_t width, int32_t height, int32_t row_stride,
                                                glare_face_box box, float *points, char *message,
                                                size_t message_capacity) {
    if (detector == nullptr || !valid_image(pixels, width, height, row_stride) || points == nullptr ||
        !(box.width > 0) || !(box.height > 0)) {
        return GLARE_FACE_INVALID_ARGUMENT;
    }
    return guarded(message, message_capacity, [&] {
        const glare::GrayView view = make_view(pixels, width, height, row_stride);
        // dlib's rectangle is inclusive of its right and bottom pixels, as its detector reports it.
        const dlib::rectangle rectangle(
            static_cast<long>(std::lround(box.left)), static_cast<long>(std::lround(box.top)),
            static_cast<long>(std::lround(box.left + box.width)) - 1,
            static_cast<long>(std::lround(box.top + box.height)) - 1);
        const dlib::full_object_detection shape = (*detector->predictor)(view, rectangle);
        for (unsigned long part = 0; part < GLARE_FACE_POINT_COUNT; part++) {
            points[2 * part] = static_cast<float>(shape.part(part).x());
            points[2 * part + 1] = static_cast<float>(shape.part(part).y());
        }
        return GLARE_FACE_OK;
    });
}
