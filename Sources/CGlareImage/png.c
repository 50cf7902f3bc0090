// PNG decoding through libpng's progressive-free API with an error handler that longjmps back here, and
// PNG encoding through libpng's simplified API (used by tests and the benchmark to make inputs).
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

#include "image_internal.h"

typedef struct {
    const uint8_t *data;
    size_t size;
    size_t offset;
    int ran_out;
    char message[160];
} glare_png_source;

static void glare_png_read(png_structp png, png_bytep target, size_t length) {
    glare_png_source *source = png_get_io_ptr(png);
    if (length > source->size - source->offset) {
        source->ran_out = 1;
        png_error(png, "the data ends before the image does");
    }
    memcpy(target, source->data + source->offset, length);
    source->offset += length;
}

static void glare_png_error(png_structp png, png_const_charp text) {
    glare_png_source *source = png_get_error_ptr(png);
    glare_copy_message(source->message, sizeof source->message, text);
    png_longjmp(png, 1);
}

static void glare_png_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;
}

glare_image_status glare_png_decode(const uint8_t *data, size_t size, glare_image *out) {
    glare_png_source source = {.data = data, .size = size};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &source, glare_png_error, glare_png_warning);
    if (png == NULL) return GLARE_IMAGE_OUT_OF_MEMORY;
    png_infop info = png_create_info_struct(png);
    if (info == NULL) {
        png_destroy_read_struct(&png, NULL, NULL);
        return GLARE_IMAGE_OUT_OF_MEMORY;
    }

    uint8_t *volatile pixels = NULL;
    png_bytep *volatile rows = NULL;
    if (setjmp(png_jmpbuf(png))) {
        free(pixels);
        free(rows);
        png_destroy_read_struct(&png, &info, NULL);
        glare_image_set_message(out, source.message);
        return source.ran_out ? GLARE_IMAGE_TRUNCATED : GLARE_IMAGE_CORRUPT;
    }

    png_set_read_fn(png, &source, glare_png_read);
    png_read_info(png, info);
    const png_uint_32 width = png_get_image_width(png, info), height = png_get_image_height(png, info);
    const int color_type = png_get_color_type(png, info);
    out->source_bit_depth = png_get_bit_depth(png, info);
    out->source_is_palette = color_type == PNG_COLOR_TYPE_PALETTE;
    out->source_channels = color_type == PNG_COLOR_TYPE_PALETTE ? 3 : png_get_channels(png, info);
    if (png_get_valid(png, info, PNG_INFO_tRNS) && (out->source_channels == 1 || out->source_channels == 3)) {
        out->source_channels += 1;
    }
    if (width == 0 || height == 0 || (size_t)width * height > GLARE_IMAGE_MAX_PIXELS) {
        png_destroy_read_struct(&png, &info, NULL);
        glare_image_set_message(out, "the image is larger than glare decodes");
        return GLARE_IMAGE_TOO_LARGE;
    }

    // Everything becomes one 8-bit gray sample: palette and low bit depths expand, 16-bit samples scale down
    // (rounding, not truncating), alpha is dropped as it stands and colour is reduced with the default
    // Rec. 709 weights.
    png_set_expand(png);
    png_set_scale_16(png);
    png_set_strip_alpha(png);
    if (color_type & PNG_COLOR_MASK_COLOR || color_type == PNG_COLOR_TYPE_PALETTE) {
        png_set_rgb_to_gray_fixed(png, 1, -1, -1);
    }
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    if (png_get_channels(png, info) != 1 || png_get_bit_depth(png, info) != 8) {
        png_destroy_read_struct(&png, &info, NULL);
        glare_image_set_message(out, "libpng did not reduce the image to 8-bit gray");
        return GLARE_IMAGE_CORRUPT;
    }

    pixels = malloc((size_t)width * height);
    rows = malloc(sizeof(png_bytep) * height);
    if (pixels == NULL || rows == NULL) {
        free(pixels);
        free(rows);
        png_destroy_read_struct(&png, &info, NULL);
        return GLARE_IMAGE_OUT_OF_MEMORY;
    }
    for (png_uint_32 y = 0; y < height; y++) rows[y] = pixels + (size_t)y * width;
    png_read_image(png, rows);
    png_read_end(png, NULL);
    png_destroy_read_struct(&png, &info, NULL);
    free(rows);

    out->pixels = pixels;
    out->width = (int32_t)width;
    out->height = (int32_t)height;
    return GLARE_IMAGE_OK;
}

glare_image_status glare_image_write_png(const char *path, const void *pixels, int32_t width, int32_t height,
                                         int32_t channels, int32_t bit_depth, const uint8_t *palette,
                                         int32_t palette_size, char *message, size_t capacity) {
    if (path == NULL || pixels == NULL || width <= 0 || height <= 0 || channels < 1 || channels > 4 ||
        (bit_depth != 8 && bit_depth != 16) || (palette != NULL && (palette_size < 1 || palette_size > 256))) {
        return GLARE_IMAGE_INVALID_ARGUMENT;
    }
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    image.width = (png_uint_32)width;
    image.height = (png_uint_32)height;

    static const png_uint_32 formats[4] = {PNG_FORMAT_GRAY, PNG_FORMAT_GA, PNG_FORMAT_RGB, PNG_FORMAT_RGBA};
    if (palette != NULL) {
        image.format = PNG_FORMAT_RGB_COLORMAP;
        image.colormap_entries = (png_uint_32)palette_size;
    } else {
        image.format = formats[channels - 1] | (bit_depth == 16 ? PNG_FORMAT_FLAG_LINEAR : 0);
    }
    if (!png_image_write_to_file(&image, path, 0, pixels, 0, palette)) {
        glare_copy_message(message, capacity, image.message);
        png_image_free(&image);
        return GLARE_IMAGE_WRITE_FAILED;
    }
    return GLARE_IMAGE_OK;
}
