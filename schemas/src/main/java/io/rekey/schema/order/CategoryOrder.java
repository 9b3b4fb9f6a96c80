package io.rekey.schema.order;

import io.rekey.schema.Category;

/**
 * The order credentials are rotated in when many go at once: infrastructure first (what everything else
 * depends on), then service, integration and human credentials; unknown last.
 */
public final class CategoryOrder {

    private CategoryOrder() {
    }

    /** 0 for INFRASTRUCTURE up to 4 for UNKNOWN or absent. */
    public static int rank(Category category) {
        if (category == null) {
            return 4;
        }
        return switch (category) {
            case INFRASTRUCTURE -> 0;
            case SERVICE -> 1;
            case INTEGRATION -> 2;
            case HUMAN -> 3;
            case UNKNOWN -> 4;
        };
    }
}
