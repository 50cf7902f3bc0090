// JPEG decoding and encoding through libjpeg, with error handlers that longjmp back here instead of
// exiting, and the EXIF orientation read through libexif.
#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jerror.h>
#include <jpeglib.h>
#include <libexif/exif-data.h>

#include "image_internal.h"

typedef struct {
    struct jpeg_error_mgr manager;  // first, so the library's pointer is also ours
    jmp_buf return_point;
    int saw_premature_end;
    char message[JMSG_LENGTH_MAX];
} glare_jpeg_error;

static void glare_jpeg_error_exit(j_common_ptr info) {
    glare_jpeg_error *error = (glare_jpeg_error *)info->err;
    (*info->err->format_message)(info, error->message);
    if (info->err->msg_code == JERR_INPUT_EOF) error->saw_premature_end = 1;
    longjmp(error->return_point, 1);
}

// Warnings are tolerated (many real photos carry a few), but running out of data is remembered: libjpeg
// pads a short stream with a fake end marker and only warns, which would hide a truncated file.
static void glare_jpeg_emit_message(j_common_ptr info, int level) {
    glare_jpeg_error *error = (glare_jpeg_error *)info->err;
    if (level >= 0) return;
    if (info->err->msg_code == JWRN_JPEG_EOF) error->saw_premature_end = 1;
    if (error->message[0] == '\0') (*info->err->format_message)(info, error->message);
    info->err->num_warnings++;
}

static void glare_jpeg_silence(j_common_ptr info) { (void)info; }

static void cmyk_row_to_gray(const uint8_t *cmyk, uint8_t *gray, JDIMENSION width, int inverted) {
    for (JDIMENSION x = 0; x < width; x++) {
        int c = cmyk[4 * x], m = cmyk[4 * x + 1], y = cmyk[4 * x + 2], k = cmyk[4 * x + 3];
        if (!inverted) {
            c = 255 - c;
            m = 255 - m;
            y = 255 - y;
            k = 255 - k;
        }
        // Adobe stores inverted CMYK: each channel is already 255 - ink, so the colour is channel * k / 255.
        const int r = c * k / 255, g = m * k / 255, b = y * k / 255;
        gray[x] = (uint8_t)((299 * r + 587 * g + 114 * b + 500) / 1000);
    }
}

glare_image_status glare_jpeg_decode(const uint8_t *data, size_t size, glare_image *out) {
    struct jpeg_decompress_struct info;
    glare_jpeg_error error;
    memset(&error, 0, sizeof error);
    info.err = jpeg_std_error(&error.manager);
    error.manager.error_exit = glare_jpeg_error_exit;
    error.manager.emit_message = glare_jpeg_emit_message;
    error.manager.output_message = glare_jpeg_silence;

    uint8_t *volatile pixels = NULL;
    uint8_t *volatile cmyk_row = NULL;
    if (setjmp(error.return_point)) {
        free(pixels);
        free(cmyk_row);
        jpeg_destroy_decompress(&info);
        glare_image_set_message(out, error.message);
        return error.saw_premature_end ? GLARE_IMAGE_TRUNCATED : GLARE_IMAGE_CORRUPT;
    }

    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, data, (unsigned long)size);
    jpeg_read_header(&info, TRUE);
    out->source_channels = info.num_components;
    out->source_bit_depth = info.data_precision;

    // Refuse a huge image before libjpeg allocates its buffers for it.
    if ((size_t)info.image_width * info.image_height > GLARE_IMAGE_MAX_PIXELS) {
        jpeg_destroy_decompress(&info);
        glare_image_set_message(out, "the image is larger than glare decodes");
        return GLARE_IMAGE_TOO_LARGE;
    }

    const int is_cmyk = info.jpeg_color_space == JCS_CMYK || info.jpeg_color_space == JCS_YCCK;
    info.out_color_space = is_cmyk ? JCS_CMYK : JCS_GRAYSCALE;
    jpeg_start_decompress(&info);
    const size_t width = info.output_width, height = info.output_height;
    pixels = malloc(width * height);
    if (is_cmyk) cmyk_row = malloc(width * 4);
    if (pixels == NULL || (is_cmyk && cmyk_row == NULL)) {
        free(pixels);
        free(cmyk_row);
        jpeg_destroy_decompress(&info);
        return GLARE_IMAGE_OUT_OF_MEMORY;
    }

    const int adobe_inverted = info.saw_Adobe_marker;
    while (info.output_scanline < info.output_height) {
        uint8_t *row = pixels + (size_t)info.output_scanline * width;
        JSAMPROW target = is_cmyk ? cmyk_row : row;
        jpeg_read_scanlines(&info, &target, 1);
        if (is_cmyk) cmyk_row_to_gray(cmyk_row, row, (JDIMENSION)width, adobe_inverted);
    }
    if (error.saw_premature_end) {
        free(pixels);
        free(cmyk_row);
        jpeg_destroy_decompress(&info);
        glare_image_set_message(out, error.message);
        return GLARE_IMAGE_TRUNCATED;
    }
    jpeg_finish_decompress(&info);
    jpeg_destroy_decompress(&info);
    free(cmyk_row);

    out->pixels = pixels;
    out->width = (int32_t)width;
    out->height = (int32_t)height;
    return GLARE_IMAGE_OK;
}

int32_t glare_image_jpeg_orientation(const uint8_t *data, size_t size) {
    if (glare_image_detect_format(data, size) != GLARE_IMAGE_FORMAT_JPEG) return 1;

    // Walk the marker segments after SOI up to the start of scan, looking for an "Exif\0\0" APP1.
    size_t offset = 2;
    while (offset + 4 <= size) {
        if (data[offset] != 0xFF) return 1;
        const uint8_t marker = data[offset + 1];
        if (marker == 0xFF) {
            offset++;
            continue;
        }
        if (marker == 0xDA || marker == 0xD9) return 1;
        const size_t length = ((size_t)data[offset + 2] << 8) | data[offset + 3];
        if (length < 2 || offset + 2 + length > size) return 1;
        const uint8_t *payload = data + offset + 4;
        const size_t payload_size = length - 2;
        if (marker == 0xE1 && payload_size > 6 && memcmp(payload, "Exif\0\0", 6) == 0) {
            ExifData *exif = exif_data_new_from_data(payload, (unsigned int)payload_size);
            if (exif == NULL) return 1;
            int32_t orientation = 1;
            ExifEntry *entry = exif_content_get_entry(exif->ifd[EXIF_IFD_0], EXIF_TAG_ORIENTATION);
            if (entry != NULL && entry->format == EXIF_FORMAT_SHORT && entry->components >= 1 && entry->data) {
                const int value = exif_get_short(entry->data, exif_data_get_byte_order(exif));
                if (value >= 1 && value <= 8) orientation = value;
            }
            exif_data_unref(exif);
            return orientation;
        }
        offset += 2 + length;
    }
    return 1;
}

glare_image_status glare_image_write_jpeg(const char *path, const uint8_t *pixels, int32_t width, int32_t height,
                                          int32_t channels, int32_t quality, char *message, size_t capacity) {
    if (path == NULL || pixels == NULL || width <= 0 || height <= 0 ||
        (channels != 1 && channels != 3 && channels != 4)) {
        return GLARE_IMAGE_INVALID_ARGUMENT;
    }
    FILE *volatile file = fopen(path, "wb");
    if (file == NULL) {
        glare_copy_message(message, capacity, strerror(errno));
        return GLARE_IMAGE_WRITE_FAILED;
    }

    struct jpeg_compress_struct info;
    glare_jpeg_error error;
    memset(&error, 0, sizeof error);
    info.err = jpeg_std_error(&error.manager);
    error.manager.error_exit = glare_jpeg_error_exit;
    error.manager.output_message = glare_jpeg_silence;
    if (setjmp(error.return_point)) {
        jpeg_destroy_compress(&info);
        fclose(file);
        glare_copy_message(message, capacity, error.message);
        return GLARE_IMAGE_WRITE_FAILED;
    }

    jpeg_create_compress(&info);
    jpeg_stdio_dest(&info, file);
    info.image_width = (JDIMENSION)width;
    info.image_height = (JDIMENSION)height;
    info.input_components = channels;
    info.in_color_space = channels == 1 ? JCS_GRAYSCALE : channels == 3 ? JCS_RGB : JCS_CMYK;
    jpeg_set_defaults(&info);
    jpeg_set_quality(&info, quality, TRUE);
    jpeg_start_compress(&info, TRUE);
    while (info.next_scanline < info.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)info.next_scanline * (size_t)width * (size_t)channels);
        jpeg_write_scanlines(&info, &row, 1);
    }
    jpeg_finish_compress(&info);
    jpeg_destroy_compress(&info);
    if (fclose(file) != 0) {
        glare_copy_message(message, capacity, strerror(errno));
        return GLARE_IMAGE_WRITE_FAILED;
    }
    return GLARE_IMAGE_OK;
}
