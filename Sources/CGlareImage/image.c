// File reading, format dispatch, EXIF orientation and resampling.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "image_internal.h"

void glare_copy_message(char *buffer, size_t capacity, const char *text) {
    if (buffer == NULL || capacity == 0) return;
    snprintf(buffer, capacity, "%s", text ? text : "");
}

void glare_image_set_message(glare_image *image, const char *text) {
    glare_copy_message(image->message, sizeof image->message, text);
}

glare_image_format glare_image_detect_format(const uint8_t *data, size_t size) {
    static const uint8_t png_signature[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    if (data == NULL) return GLARE_IMAGE_FORMAT_UNKNOWN;
    if (size >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF) return GLARE_IMAGE_FORMAT_JPEG;
    if (size >= 8 && memcmp(data, png_signature, 8) == 0) return GLARE_IMAGE_FORMAT_PNG;
    return GLARE_IMAGE_FORMAT_UNKNOWN;
}

void glare_image_free(glare_image *image) {
    if (image == NULL) return;
    free(image->pixels);
    image->pixels = NULL;
}

static int orientation_swaps_axes(int32_t orientation) { return orientation >= 5 && orientation <= 8; }

glare_image_status glare_image_apply_orientation(const uint8_t *source, int32_t width, int32_t height,
                                                 int32_t orientation, uint8_t *destination) {
    if (source == NULL || destination == NULL || width <= 0 || height <= 0 || orientation < 1 || orientation > 8) {
        return GLARE_IMAGE_INVALID_ARGUMENT;
    }
    const int32_t out_width = orientation_swaps_axes(orientation) ? height : width;
    const int32_t out_height = orientation_swaps_axes(orientation) ? width : height;

    // For each displayed pixel (x', y') read the stored pixel the EXIF definition puts there.
    for (int32_t y_out = 0; y_out < out_height; y_out++) {
        uint8_t *row = destination + (size_t)y_out * (size_t)out_width;
        for (int32_t x_out = 0; x_out < out_width; x_out++) {
            int32_t x = x_out, y = y_out;
            switch (orientation) {
                case 1: break;
                case 2: x = width - 1 - x_out; break;
                case 3: x = width - 1 - x_out; y = height - 1 - y_out; break;
                case 4: y = height - 1 - y_out; break;
                case 5: x = y_out; y = x_out; break;
                case 6: x = y_out; y = height - 1 - x_out; break;
                case 7: x = width - 1 - y_out; y = height - 1 - x_out; break;
                case 8: x = width - 1 - y_out; y = x_out; break;
            }
            row[x_out] = source[(size_t)y * (size_t)width + (size_t)x];
        }
    }
    return GLARE_IMAGE_OK;
}

static void resize_bilinear(const uint8_t *source, int32_t width, int32_t height, uint8_t *destination,
                            int32_t out_width, int32_t out_height) {
    const double scale_x = (double)width / out_width, scale_y = (double)height / out_height;
    for (int32_t y_out = 0; y_out < out_height; y_out++) {
        double y = (y_out + 0.5) * scale_y - 0.5;
        if (y < 0) y = 0;
        int32_t y0 = (int32_t)y;
        if (y0 > height - 1) y0 = height - 1;
        const int32_t y1 = y0 + 1 < height ? y0 + 1 : y0;
        const double fy = y - y0;
        for (int32_t x_out = 0; x_out < out_width; x_out++) {
            double x = (x_out + 0.5) * scale_x - 0.5;
            if (x < 0) x = 0;
            int32_t x0 = (int32_t)x;
            if (x0 > width - 1) x0 = width - 1;
            const int32_t x1 = x0 + 1 < width ? x0 + 1 : x0;
            const double fx = x - x0;
            const double top = source[(size_t)y0 * width + x0] * (1 - fx) + source[(size_t)y0 * width + x1] * fx;
            const double bottom = source[(size_t)y1 * width + x0] * (1 - fx) + source[(size_t)y1 * width + x1] * fx;
            destination[(size_t)y_out * out_width + x_out] = (uint8_t)(top * (1 - fy) + bottom * fy + 0.5);
        }
    }
}

// Area averaging: destination pixel i covers source interval [i * scale, (i + 1) * scale) on each axis.
// The horizontal pass accumulates weighted column sums into a float row, the vertical pass weights rows.
static glare_image_status resize_area(const uint8_t *source, int32_t width, int32_t height, uint8_t *destination,
                                      int32_t out_width, int32_t out_height) {
    const double scale_x = (double)width / out_width, scale_y = (double)height / out_height;
    float *accumulator = calloc((size_t)out_width, sizeof(float));
    float *row_sums = calloc((size_t)out_width, sizeof(float));
    if (accumulator == NULL || row_sums == NULL) {
        free(accumulator);
        free(row_sums);
        return GLARE_IMAGE_OUT_OF_MEMORY;
    }

    int32_t y_source = 0;
    for (int32_t y_out = 0; y_out < out_height; y_out++) {
        const double top = y_out * scale_y, bottom = (y_out + 1) * scale_y;
        memset(accumulator, 0, (size_t)out_width * sizeof(float));
        for (y_source = (int32_t)top; y_source < height && y_source < bottom; y_source++) {
            double weight_y = 1.0;
            if (y_source < top) weight_y -= top - y_source;
            if (y_source + 1 > bottom) weight_y -= y_source + 1 - bottom;
            if (weight_y <= 0) continue;

            const uint8_t *row = source + (size_t)y_source * width;
            for (int32_t x_out = 0; x_out < out_width; x_out++) {
                const double left = x_out * scale_x, right = (x_out + 1) * scale_x;
                double sum = 0;
                for (int32_t x = (int32_t)left; x < width && x < right; x++) {
                    double weight_x = 1.0;
                    if (x < left) weight_x -= left - x;
                    if (x + 1 > right) weight_x -= x + 1 - right;
                    sum += weight_x * row[x];
                }
                row_sums[x_out] = (float)sum;
            }
            for (int32_t x_out = 0; x_out < out_width; x_out++) accumulator[x_out] += (float)weight_y * row_sums[x_out];
        }
        const float area = (float)(scale_x * scale_y);
        uint8_t *out_row = destination + (size_t)y_out * out_width;
        for (int32_t x_out = 0; x_out < out_width; x_out++) {
            float value = accumulator[x_out] / area + 0.5f;
            out_row[x_out] = (uint8_t)(value > 255 ? 255 : value);
        }
    }
    free(accumulator);
    free(row_sums);
    return GLARE_IMAGE_OK;
}

glare_image_status glare_image_resize(const uint8_t *source, int32_t width, int32_t height, uint8_t *destination,
                                      int32_t destination_width, int32_t destination_height) {
    if (source == NULL || destination == NULL || width <= 0 || height <= 0 || destination_width <= 0 ||
        destination_height <= 0) {
        return GLARE_IMAGE_INVALID_ARGUMENT;
    }
    if (destination_width <= width && destination_height <= height) {
        return resize_area(source, width, height, destination, destination_width, destination_height);
    }
    resize_bilinear(source, width, height, destination, destination_width, destination_height);
    return GLARE_IMAGE_OK;
}

glare_image_status glare_image_decode_memory(const uint8_t *data, size_t size, int apply_orientation,
                                             glare_image *out) {
    if (out == NULL) return GLARE_IMAGE_INVALID_ARGUMENT;
    memset(out, 0, sizeof *out);
    out->orientation = 1;
    out->applied_orientation = 1;
    if (size == 0) {
        glare_image_set_message(out, "the file is empty");
        return GLARE_IMAGE_EMPTY_FILE;
    }
    if (data == NULL) return GLARE_IMAGE_INVALID_ARGUMENT;

    glare_image_status status;
    out->format = glare_image_detect_format(data, size);
    switch (out->format) {
        case GLARE_IMAGE_FORMAT_JPEG: status = glare_jpeg_decode(data, size, out); break;
        case GLARE_IMAGE_FORMAT_PNG: status = glare_png_decode(data, size, out); break;
        default:
            glare_image_set_message(out, "the first bytes are neither a JPEG nor a PNG signature");
            return GLARE_IMAGE_NOT_AN_IMAGE;
    }
    if (status != GLARE_IMAGE_OK) {
        glare_image_free(out);
        return status;
    }

    if (out->format == GLARE_IMAGE_FORMAT_JPEG) out->orientation = glare_image_jpeg_orientation(data, size);
    if (apply_orientation && out->orientation != 1) {
        uint8_t *oriented = malloc((size_t)out->width * (size_t)out->height);
        if (oriented == NULL) {
            glare_image_free(out);
            return GLARE_IMAGE_OUT_OF_MEMORY;
        }
        glare_image_apply_orientation(out->pixels, out->width, out->height, out->orientation, oriented);
        free(out->pixels);
        out->pixels = oriented;
        if (orientation_swaps_axes(out->orientation)) {
            const int32_t width = out->width;
            out->width = out->height;
            out->height = width;
        }
        out->applied_orientation = out->orientation;
    }
    return GLARE_IMAGE_OK;
}

glare_image_status glare_image_decode_file(const char *path, int apply_orientation, glare_image *out) {
    if (path == NULL || out == NULL) return GLARE_IMAGE_INVALID_ARGUMENT;
    memset(out, 0, sizeof *out);
    out->orientation = 1;
    out->applied_orientation = 1;

    errno = 0;
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        out->system_errno = errno;
        glare_image_set_message(out, strerror(errno));
        return errno == ENOENT ? GLARE_IMAGE_MISSING_FILE : GLARE_IMAGE_UNREADABLE_FILE;
    }
    struct stat info;
    if (fstat(fileno(file), &info) != 0 || !S_ISREG(info.st_mode)) {
        // fopen succeeds on a directory; reading it would fail with EISDIR, so say so now.
        out->system_errno = errno;
        if (out->system_errno == 0 || S_ISDIR(info.st_mode)) out->system_errno = EISDIR;
        glare_image_set_message(out, strerror(out->system_errno));
        fclose(file);
        return GLARE_IMAGE_UNREADABLE_FILE;
    }
    const size_t size = (size_t)info.st_size;
    if (size == 0) {
        fclose(file);
        glare_image_set_message(out, "the file is empty");
        return GLARE_IMAGE_EMPTY_FILE;
    }

    uint8_t *data = malloc(size);
    if (data == NULL) {
        fclose(file);
        return GLARE_IMAGE_OUT_OF_MEMORY;
    }
    const size_t read = fread(data, 1, size, file);
    const int read_errno = errno;
    const int read_failed = ferror(file);
    fclose(file);
    if (read_failed) {
        free(data);
        out->system_errno = read_errno;
        glare_image_set_message(out, strerror(read_errno));
        return GLARE_IMAGE_UNREADABLE_FILE;
    }

    const glare_image_status status = glare_image_decode_memory(data, read, apply_orientation, out);
    free(data);
    return status;
}
