#ifndef GLARE_IMAGE_H
#define GLARE_IMAGE_H
// Image decoding (libjpeg, libpng, libexif) behind a plain C API.
//
// Every function returns a glare_image_status; nothing exits the process or longjmps past the caller.
// Decoded images are 8-bit grayscale, row-major, tightly packed (row stride == width), which is what
// dlib's HOG detector and shape predictor read.

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The outcome of an image call; each failure has its own code.
typedef enum {
    GLARE_IMAGE_OK = 0,
    GLARE_IMAGE_MISSING_FILE = 1,      // open(2) said ENOENT
    GLARE_IMAGE_UNREADABLE_FILE = 2,   // open or read failed otherwise; system_errno says why
    GLARE_IMAGE_EMPTY_FILE = 3,        // zero bytes
    GLARE_IMAGE_NOT_AN_IMAGE = 4,      // the magic bytes are neither JPEG nor PNG
    GLARE_IMAGE_TRUNCATED = 5,         // the data ends before the image does
    GLARE_IMAGE_CORRUPT = 6,           // the decoder rejected the data
    GLARE_IMAGE_TOO_LARGE = 7,         // more pixels than GLARE_IMAGE_MAX_PIXELS
    GLARE_IMAGE_OUT_OF_MEMORY = 8,
    GLARE_IMAGE_INVALID_ARGUMENT = 9,
    GLARE_IMAGE_WRITE_FAILED = 10,     // an encoder could not write its file
} glare_image_status;

/// The container format found from the magic bytes.
typedef enum {
    GLARE_IMAGE_FORMAT_UNKNOWN = 0,
    GLARE_IMAGE_FORMAT_JPEG = 1,
    GLARE_IMAGE_FORMAT_PNG = 2,
} glare_image_format;

/// The largest image decoded, in pixels (256 megapixels).
#define GLARE_IMAGE_MAX_PIXELS (256u * 1024u * 1024u)

/// A decoded 8-bit grayscale image. `pixels` is owned by the struct; release it with glare_image_free.
typedef struct {
    uint8_t *pixels;
    int32_t width;
    int32_t height;
    int32_t format;               // glare_image_format
    int32_t orientation;          // the EXIF orientation found in the file (1-8; 1 when absent)
    int32_t applied_orientation;  // the orientation applied to `pixels` (1 when not applied)
    int32_t source_channels;      // channels stored in the file: 1 gray, 2 gray+alpha, 3 colour, 4 colour+alpha
    int32_t source_bit_depth;     // bits per sample in the file (palette PNGs report their index depth)
    int32_t source_is_palette;    // 1 for a palette PNG
    int32_t system_errno;         // errno of a failed open or read
    char message[200];            // the decoder's own words for a failure, or ""
} glare_image;

/// Reads and decodes the file at `path`, finding its format from its first bytes (never its name).
/// With `apply_orientation` non-zero the EXIF orientation of a JPEG is applied to the pixels.
glare_image_status glare_image_decode_file(const char *path, int apply_orientation, glare_image *out);

/// Decodes an image held in memory; as glare_image_decode_file without the file.
glare_image_status glare_image_decode_memory(const uint8_t *data, size_t size, int apply_orientation,
                                             glare_image *out);

/// Releases the pixels of an image (safe on a zeroed or already freed struct).
void glare_image_free(glare_image *image);

/// The format the first bytes announce.
glare_image_format glare_image_detect_format(const uint8_t *data, size_t size);

/// The EXIF orientation (1-8) stored in a JPEG's APP1 segment; 1 when there is none or it is invalid.
int32_t glare_image_jpeg_orientation(const uint8_t *data, size_t size);

/// Writes into `destination` (height x width when the orientation swaps the axes, else width x height)
/// the grayscale `source` as it is to be displayed under EXIF `orientation` (1-8).
glare_image_status glare_image_apply_orientation(const uint8_t *source, int32_t width, int32_t height,
                                                 int32_t orientation, uint8_t *destination);

/// Shrinks or stretches a grayscale image to `destination_width` x `destination_height`: each
/// destination pixel is the area-weighted mean of the source pixels it covers when shrinking, and a
/// bilinear sample when enlarging.
glare_image_status glare_image_resize(const uint8_t *source, int32_t width, int32_t height,
                                      uint8_t *destination, int32_t destination_width,
                                      int32_t destination_height);

/// Encodes 8-bit pixels (1 channel gray, 3 channels RGB or 4 channels CMYK, row-major) as a baseline JPEG
/// file. libjpeg marks a CMYK file with an Adobe segment, and readers then take its samples as inverted
/// (255 means no ink).
glare_image_status glare_image_write_jpeg(const char *path, const uint8_t *pixels, int32_t width, int32_t height,
                                          int32_t channels, int32_t quality, char *message, size_t message_capacity);

/// Encodes a PNG file. `channels` is 1 (gray), 2 (gray+alpha), 3 (RGB) or 4 (RGBA); `bit_depth` 8 or 16
/// (16-bit samples are native-endian uint16_t); with a non-null `palette` (`palette_size` RGB triples,
/// at most 256) the pixels are 8-bit indices and a palette PNG is written.
glare_image_status glare_image_write_png(const char *path, const void *pixels, int32_t width, int32_t height,
                                         int32_t channels, int32_t bit_depth, const uint8_t *palette,
                                         int32_t palette_size, char *message, size_t message_capacity);

#ifdef __cplusplus
}
#endif

#endif
