#ifndef GLARE_FACE_H
#define GLARE_FACE_H
// dlib's HOG face detector and 68-point shape predictor behind a plain C API.
//
// No C++ exception crosses this API: every function catches what dlib throws and returns a status with
// dlib's message copied into the caller's buffer. Images are 8-bit grayscale, row-major, with a row stride
// in bytes; they are read in place, never copied unless upsampled.

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The outcome of a face call.
typedef enum {
    GLARE_FACE_OK = 0,
    GLARE_FACE_PREDICTOR_MISSING = 1,   // the shape predictor file does not exist or cannot be opened
    GLARE_FACE_PREDICTOR_INVALID = 2,   // dlib could not deserialise it, or it does not give 68 points
    GLARE_FACE_INVALID_ARGUMENT = 3,
    GLARE_FACE_OUT_OF_MEMORY = 4,
    GLARE_FACE_INTERNAL = 5,            // dlib threw something else; the message says what
} glare_face_status;

/// The number of points the shape predictor places.
#define GLARE_FACE_POINT_COUNT 68

/// A detection: its box in the pixels of the image passed in, and the detector's score (higher is surer;
/// 0 is the detector's own threshold).
typedef struct {
    double left;
    double top;
    double width;
    double height;
    double score;
} glare_face_box;

/// One detector (a private copy of dlib's frontal HOG detector) sharing the process's one shape predictor.
typedef struct glare_face_detector glare_face_detector;

/// Creates a detector. The shape predictor at `predictor_path` is deserialised on first use in the process
/// and shared by every later detector with the same path.
glare_face_status glare_face_detector_create(const char *predictor_path, glare_face_detector **detector,
                                             char *message, size_t message_capacity);

/// Releases a detector (the shared shape predictor stays loaded for the life of the process).
void glare_face_detector_destroy(glare_face_detector *detector);

/// Runs the HOG detector on the image enlarged `upsample` times by 2 (0 = as it is). Writes at most
/// `capacity` boxes, best score first, in the input's pixels, and the number found to `count`.
/// `adjust_threshold` is added to the detector's threshold (negative finds more, weaker faces).
glare_face_status glare_face_detect(glare_face_detector *detector, const uint8_t *pixels, int32_t width,
                                    int32_t height, int32_t row_stride, int32_t upsample, double adjust_threshold,
                                    glare_face_box *boxes, int32_t capacity, int32_t *count, char *message,
                                    size_t message_capacity);

/// Places the 68 points inside `box` (in this image's pixels); writes x0, y0, x1, y1, ... to `points`
/// (136 floats) in the same pixels.
glare_face_status glare_face_predict(const glare_face_detector *detector, const uint8_t *pixels, int32_t width,
                                     int32_t height, int32_t row_stride, glare_face_box box, float *points,
                                     char *message, size_t message_capacity);

#ifdef __cplusplus
}
#endif

#endif
