"""Every model module, imported once so that the metadata (migrations, drift test) is whole."""

from app.api.open311 import models as open311_models  # noqa: F401
from app.apikeys import models as api_key_models  # noqa: F401
from app.auth import models as auth_models  # noqa: F401
from app.committee import models as committee_models  # noqa: F401
from app.evaluation import models as evaluation_models  # noqa: F401
from app.items import models as item_models  # noqa: F401
from app.moderation import models as moderation_models  # noqa: F401
from app.notifications import models as notification_models  # noqa: F401
from app.perimeters import models as perimeter_models  # noqa: F401
from app.places import models as place_models  # noqa: F401
from app.proposals import models as proposal_models  # noqa: F401
from app.routing import models as routing_models  # noqa: F401
from app.walks import models as walk_models  # noqa: F401
