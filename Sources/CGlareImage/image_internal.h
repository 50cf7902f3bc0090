#ifndef GLARE_IMAGE_INTERNAL_H
#define GLARE_IMAGE_INTERNAL_H
// Shared between the decoders; not part of the public header.

#include "glare_image.h"

glare_image_status glare_jpeg_decode(const uint8_t *data, size_t size, glare_image *out);
glare_image_status glare_png_decode(const uint8_t *data, size_t size, glare_image *out);

/// Copies `text` into the image's message, truncating.
void glare_image_set_message(glare_image *image, const char *text);

/// Copies `text` into a caller's buffer, truncating; tolerates a null or empty buffer.
void glare_copy_message(char *buffer, size_t capacity, const char *text);

#endif
