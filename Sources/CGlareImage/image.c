#include "glare_image.h"
