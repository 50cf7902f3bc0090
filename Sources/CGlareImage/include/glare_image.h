#ifndef GLARE_IMAGE_H
#define GLARE_IMAGE_H
// Image decoding (libjpeg, libpng, libexif) behind a plain C API. Filled in by the faces work.
#endif
